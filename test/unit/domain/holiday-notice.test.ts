import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { officialCalendarData } from '../../../src/domain/calendar-data.js';
import { WorkCalendar } from '../../../src/domain/calendar.js';
import { festivalLine, parseHolidayNotice } from '../../../src/domain/holiday-notice.js';
import { addDays } from '../../../src/domain/time.js';

const fixture = (y: number): string =>
  fs.readFileSync(path.join(import.meta.dirname, '../../fixtures/holidays', `${y}.txt`), 'utf8');

function parse(text: string, opts = {}) {
  const r = parseHolidayNotice(text, opts);
  if (!r.ok) throw new Error(r.error);
  return r.notice;
}

describe('the State Council holiday notice parser (/节假日 导入), on the published notices', () => {
  for (const y of [2024, 2025, 2026]) {
    it(`${y}: the days off and make-up days are exactly the chinese-days package's data for ${y}`, () => {
      const n = parse(fixture(y));
      expect(n.year).toBe(y);
      expect(n.yearFrom).toBe('text');
      expect(n.problems).toEqual([]);
      const holidays = n.days.filter((d) => d.kind === 'holiday').map((d) => d.date);
      const workdays = n.days.filter((d) => d.kind === 'workday').map((d) => d.date);
      expect(holidays).toEqual(
        Object.keys(officialCalendarData.holidays)
          .filter((d) => d.startsWith(String(y)))
          .sort(),
      );
      expect(workdays).toEqual(
        Object.keys(officialCalendarData.workdays)
          .filter((d) => d.startsWith(String(y)))
          .sort(),
      );
      // and as a working-day calendar: a calendar knowing only the notice agrees with the package on every day of the year
      const fromNotice = new WorkCalendar(
        { holidays: {}, workdays: {} },
        n.days.map((d) => ({ date: d.date, kind: d.kind, noticeYear: y })),
      );
      const official = new WorkCalendar(officialCalendarData);
      for (let d = `${y}-01-01`; d <= `${y}-12-31`; d = addDays(d, 1))
        expect(fromNotice.isWorkday(d), d).toBe(official.isWorkday(d));
      expect(fromNotice.day(`${y}-03-11`).basis).toBe('notice');
    });
  }

  it('2024: "鼓励……安排职工在除夕（2月9日）休息" is reported as not counted, not turned into a day off', () => {
    const n = parse(fixture(2024));
    expect(n.days.find((d) => d.date === '2024-02-09')).toBeUndefined();
    expect(n.ignored.join()).toContain('除夕(2月9日)休息');
  });

  it('2025: a range across months (5月31日至6月2日) and a combined heading (国庆节、中秋节) are read', () => {
    const n = parse(fixture(2025));
    expect(n.festivals.map((f) => f.name)).toContain('国庆节、中秋节');
    expect(n.days.filter((d) => d.festival === '端午节').map((d) => d.date)).toEqual([
      '2025-05-31',
      '2025-06-01',
      '2025-06-02',
    ]);
  });

  it('half-width punctuation (as many reposts print it) reads the same as the published full-width text', () => {
    const half = fixture(2026).replace(/：/g, ':').replace(/，/g, ',').replace(/（/g, '(').replace(/）/g, ')');
    expect(parse(half).days).toEqual(parse(fixture(2026)).days);
  });

  it('the items quoted in the request, without a title: the year is inferred from the weekdays written (2027)', () => {
    const text =
      '元旦：1月1日（周五）放假，共1天。\n春节：2月6日（周六）至14日（周日）放假调休，共9天。2月4日（周四）、2月20日（周六）上班。';
    const n = parse(text, { candidates: [2025, 2026, 2027, 2028] });
    expect(n.year).toBe(2027);
    expect(n.yearFrom).toBe('weekdays');
    expect(n.days.filter((d) => d.kind === 'holiday')).toHaveLength(10);
    expect(n.days.filter((d) => d.kind === 'workday').map((d) => d.date)).toEqual(['2027-02-04', '2027-02-20']);
    expect(n.problems).toEqual(['春节：2月4日（周四）本来就是工作日，却列为调休上班，请核对原文']);
    expect(festivalLine(n.festivals[1]!)).toBe(
      '春节：2月6日（周六）至2月14日（周日）放假，共9天；2月4日（周四）、2月20日（周六）上班',
    );
  });

  it('a weekday that does not match the date, or a "共N天" that does not match the range, is a problem shown in the preview', () => {
    const n = parse('现将2027年元旦、春节放假安排通知如下。一、元旦：1月1日（周四）放假，共2天。');
    expect(n.problems.join('\n')).toContain('写的是周四，但 2027-01-01 是周五');
    expect(n.problems.join('\n')).toContain('写明共 2 天');
  });

  it('a 元旦 that starts in December belongs to the year before (2019 notice form)', () => {
    const n = parse(
      '国务院办公厅关于2019年部分节假日安排的通知 一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。',
    );
    expect(n.days.map((d) => `${d.date}:${d.kind}`)).toEqual([
      '2018-12-29:workday',
      '2018-12-30:holiday',
      '2018-12-31:holiday',
      '2019-01-01:holiday',
    ]);
    expect(n.problems).toEqual([]);
  });

  it('text that is not a notice, or a notice without a year that weekdays cannot settle, is refused with a short message', () => {
    expect(parseHolidayNotice('你好')).toMatchObject({ ok: false, error: expect.stringContaining('没有读到节日安排') });
    expect(parseHolidayNotice('元旦：1月1日放假。')).toMatchObject({
      ok: false,
      error: expect.stringContaining('没有写年份'),
    });
  });
});
