/** Types of the automatic pre-check (先审后发 pre-checks) shown on an approval card. */

export type FindingCategory =
  | 'advertising'
  | 'gambling'
  | 'pornography'
  | 'spam'
  | 'variant'
  | 'link'
  | 'custom'
  | 'leader';

export type FindingSeverity = 'warning' | 'info';

export type FindingField = 'title' | 'text' | 'link';

export interface Finding {
  category: FindingCategory;
  severity: FindingSeverity;
  /** the list word (forbidden word, 异形词, custom expression, leader name) or, for links, the link as written */
  word: string;
  field: FindingField;
  /** UTF-16 offsets into the ORIGINAL string of `field`; `end` is exclusive */
  start: number;
  end: number;
  /** a short piece of the original string around the match (always a substring of it, never across a line break) */
  excerpt: string;
  /** short Chinese message, e.g. "疑似赌博用语「博彩」" or "异形词「笔划」，推荐「笔画」" */
  message: string;
  /** recommended form / expected title / what to do instead */
  suggestion?: string;
}

export interface PrecheckInput {
  title: string;
  text?: string;
  link?: string;
}

export interface LeaderEntry {
  name: string;
  /** the correct title, e.g. 县长 */
  title: string;
}

export interface PrecheckOptions {
  /** domains allowed in addition to gov.cn (a unit's own domains, e.g. "mp.weixin.qq.com"); matched by suffix */
  allowDomains?: readonly string[];
  /** customer-maintained banned expressions (category 'custom') */
  banned?: readonly string[];
  /** customer-maintained leaders' names and correct titles */
  leaders?: readonly LeaderEntry[];
}
