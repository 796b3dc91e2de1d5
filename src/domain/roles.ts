/** Roles (管理员 主要领导 分管领导 联络员 信息员; README "Commands"). The admin role is global; the others are held per unit. */
export const ROLES = {
  admin: '管理员',
  principal: '主要领导',
  in_charge: '分管领导',
  liaison: '联络员',
  officer: '信息员',
} as const;

export type Role = keyof typeof ROLES;
export const ROLE_CODES = Object.keys(ROLES) as Role[];

const aliases: Record<string, Role> = {
  管理员: 'admin',
  admin: 'admin',
  主要领导: 'principal',
  主要负责人: 'principal',
  principal: 'principal',
  分管领导: 'in_charge',
  分管负责人: 'in_charge',
  'in-charge': 'in_charge',
  in_charge: 'in_charge',
  联络员: 'liaison',
  liaison: 'liaison',
  信息员: 'officer',
  管理责任人: 'officer',
  officer: 'officer',
};

export function findRole(input: string): Role | null {
  return aliases[input.trim().toLowerCase()] ?? aliases[input.trim()] ?? null;
}

export function roleName(role: string): string {
  return (ROLES as Record<string, string>)[role] ?? role;
}

export interface RoleGrant {
  role: Role;
  /** null for the global admin role */
  unitId: number | null;
}
