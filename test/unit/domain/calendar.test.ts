import { describe, expect, it } from 'vitest';
import { fallbackNotice } from '../../../src/domain/calendar.js';
import { officialCalendar } from '../../../src/domain/calendar-data.js';
import { addDays, formatShanghai, shanghaiDate, shanghaiInstant } from '../../../src/domain/time.js';

const cal = officialCalendar();

describe('working-day calendar (chinese-days data + admin overrides)', () => {
  it('2026 Spring Festival: 2-15..2-23 are holidays; Saturdays 2-14 and 2-28 are make-up working days', () => {
    for (let d = '2026-02-15'; d <= '2026-02-23'; d = addDays(d, 1)) expect(cal.isWorkday(d), d).toBe(false);
    expect(cal.day('2026-02-14')).toMatchObject({ workday: true, basis: 'official' });
    expect(cal.day('2026-02-28')).toMatchObject({ workday: true, basis: 'official' });
    expect(cal.isWorkday('2026-02-13')).toBe(true);
    expect(cal.isWorkday('2026-02-24')).toBe(true);
    expect(cal.day('2026-02-17').name).toBe('春节');
  });

  it('2026 National Day: 10-01..10-07 are holidays; Sunday 9-20 and Saturday 10-10 are make-up working days', () => {
    for (let d = '2026-10-01'; d <= '2026-10-07'; d = addDays(d, 1)) expect(cal.isWorkday(d), d).toBe(false);
    expect(cal.isWorkday('2026-09-20')).toBe(true);
    expect(cal.isWorkday('2026-10-10')).toBe(true);
    expect(cal.isWorkday('2026-10-11')).toBe(false);
    expect(cal.day('2026-10-10').name).toContain('调休上班');
  });

  it('神木 第六条: five working days after an opening on 2026-09-28 end on the make-up Saturday 2026-10-10', () => {
    // 9-29 (1), 9-30 (2), holiday 10-01..07, 10-08 (3), 10-09 (4), 10-10 make-up Saturday (5)
    expect(cal.addWorkdays('2026-09-28', 5)).toEqual({ date: '2026-10-10', fallbackYears: [] });
  });

  it('兴国 四(二): an emergency closure is filed the same working day (n = 0), or the next working day after a holiday', () => {
    expect(cal.addWorkdays('2026-11-20', 0).date).toBe('2026-11-20');
    expect(cal.addWorkdays('2026-10-03', 0).date).toBe('2026-10-08');
    expect(cal.addWorkdays('2026-11-21', 0).date).toBe('2026-11-23');
  });

  it('兴国 三(四): one working day after a Friday is the Monday; after the eve of National Day it is 10-08', () => {
    expect(cal.addWorkdays('2026-11-20', 1).date).toBe('2026-11-23');
    expect(cal.addWorkdays('2026-09-30', 1).date).toBe('2026-10-08');
    expect(cal.addWorkdays('2026-02-13', 1).date).toBe('2026-02-14');
  });

  it('a year the data does not cover falls back to Monday–Friday and says so', () => {
    expect(cal.covers(2027)).toBe(false);
    const r = cal.addWorkdays('2027-09-28', 5);
    expect(r.date).toBe('2027-10-05'); // plain weekdays: no National Day holiday known
    expect(r.fallbackYears).toEqual([2027]);
    expect(cal.day('2027-10-01')).toMatchObject({ workday: true, basis: 'weekday-fallback' });
    expect(fallbackNotice(r.fallbackYears)).toContain('2027 年的法定节假日安排尚未收录');
    // a deadline that crosses from a covered into an uncovered year says so too
    expect(cal.addWorkdays('2026-12-30', 5).fallbackYears).toEqual([2027]);
  });

  it('admin overrides decide their own day only: one 2027 entry does not make 2027 known, other days still warn', () => {
    const withOverrides = cal.withOverrides([
      { date: '2027-10-01', kind: 'holiday', note: '国庆节' },
      { date: '2027-10-04', kind: 'holiday', note: '国庆节' },
      { date: '2026-11-23', kind: 'holiday', note: '临时调整' },
    ]);
    expect(withOverrides.covers(2027)).toBe(false);
    expect(withOverrides.day('2027-10-01')).toMatchObject({ workday: false, basis: 'override', name: '国庆节' });
    expect(withOverrides.day('2027-02-11')).toMatchObject({ workday: true, basis: 'weekday-fallback' });
    // 9-29, 9-30, (10-01 off), 10-05, 10-06 ... the Monday–Friday days in between are still a guess
    expect(withOverrides.addWorkdays('2027-09-28', 5)).toEqual({ date: '2027-10-07', fallbackYears: [2027] });
    expect(withOverrides.addWorkdays('2026-11-20', 1).date).toBe('2026-11-24');
  });

  it('an imported notice covers its whole year: listed days are "notice", the others Monday–Friday per the notice', () => {
    const c = cal.withOverrides([{ date: '2027-01-01', kind: 'holiday', note: '元旦', noticeYear: 2027 }]);
    expect(c.covers(2027)).toBe(true);
    expect(c.importedYears()).toEqual([2027]);
    expect(c.day('2027-01-01')).toMatchObject({ workday: false, basis: 'notice' });
    expect(c.day('2027-02-11')).toMatchObject({ workday: true, basis: 'notice' });
    expect(c.addWorkdays('2026-12-30', 2)).toEqual({ date: '2027-01-04', fallbackYears: [] });
  });

  it('"逾期 N 天" in working days: a deadline on Friday 2026-09-25 checked on 2026-10-09 is 5 working days late, not 14 days', () => {
    // 9-28, 9-29, 9-30 (Mon–Wed), 10-01..07 holiday, 10-08, 10-09: 5 working days after the due day
    expect(cal.workdaysLate('2026-09-25', '2026-10-09')).toEqual({ days: 5, fallbackYears: [] });
    expect(cal.workdaysLate('2026-12-31', '2027-01-04')).toEqual({ days: 2, fallbackYears: [2027] });
  });

  it('workdaysBetween counts working days after the start up to the end', () => {
    expect(cal.workdaysBetween('2026-09-28', '2026-10-10')).toBe(5);
    expect(cal.workdaysBetween('2026-10-10', '2026-09-28')).toBe(0);
  });
});

describe('Asia/Shanghai days, whatever the machine TZ', () => {
  it('an instant just after 16:00 UTC is already the next day in Shanghai', () => {
    expect(shanghaiDate(new Date('2026-11-19T15:59:59Z'))).toBe('2026-11-19');
    expect(shanghaiDate(new Date('2026-11-19T16:00:00Z'))).toBe('2026-11-20');
    expect(formatShanghai(new Date('2026-11-20T01:00:00Z'))).toBe('2026-11-20 09:00');
    expect(shanghaiInstant('2026-11-20', 9).toISOString()).toBe('2026-11-20T01:00:00.000Z');
  });
});
