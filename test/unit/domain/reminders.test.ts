import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idleCutoff, idleDays, idleSince } from '../../../src/domain/activity.js';
import { officialCalendar } from '../../../src/domain/calendar-data.js';
import {
  accountRef,
  firstWorkdayOfWeek,
  isoWeek,
  isRemindDay,
  keysDigest,
  previousWeek,
  remindInstant,
} from '../../../src/domain/reminders.js';
import { addDays, daysBetween, shanghaiDate } from '../../../src/domain/time.js';

const cal = officialCalendar();

describe('idle days (僵尸: 全国检查指标 2 weeks, 兴国 六 15 days) — one definition for the register and the sweep', () => {
  it('counts Asia/Shanghai calendar days since the last post, else since opening, else since registration', () => {
    const created = new Date('2026-09-01T02:00:00Z');
    expect(
      idleDays(
        { lastPostAt: new Date('2026-11-01T12:00:00+08:00'), openedOn: '2026-09-01', createdAt: created },
        '2026-11-20',
      ),
    ).toBe(19);
    // 23:30 on the 9th in Shanghai is 15:30 UTC: still the 9th
    expect(
      idleDays({ lastPostAt: new Date('2026-11-09T23:30:00+08:00'), openedOn: null, createdAt: created }, '2026-11-20'),
    ).toBe(11);
    expect(
      idleDays({ lastPostAt: new Date('2026-11-10T00:30:00+08:00'), openedOn: null, createdAt: created }, '2026-11-20'),
    ).toBe(10);
    expect(idleDays({ lastPostAt: null, openedOn: '2026-11-06', createdAt: created }, '2026-11-20')).toBe(14);
    expect(
      idleDays({ lastPostAt: null, openedOn: null, createdAt: new Date('2026-11-05T17:00:00Z') }, '2026-11-20'),
    ).toBe(14);
  });

  it('idleDays is daysBetween(idleSince, today) for posts, openings and registrations', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc.integer({ min: 0, max: 4000 }),
        fc.constantFrom('post', 'opened', 'created'),
        (t, ahead, basis) => {
          const at = new Date(t);
          const facts = {
            lastPostAt: basis === 'post' ? at : null,
            openedOn: basis === 'opened' ? shanghaiDate(at) : null,
            createdAt: at,
          };
          const today = addDays(shanghaiDate(at), ahead);
          expect(idleDays(facts, today)).toBe(daysBetween(idleSince(facts), today));
        },
      ),
    );
  });

  it('the query cutoff is the exact inverse of idleDays, for any post time and threshold', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 0, 1) }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1, max: 90 }),
        (t, ahead, days) => {
          const lastPostAt = new Date(t);
          const today = addDays(shanghaiDate(lastPostAt), ahead);
          const { postBefore, sinceDate } = idleCutoff(today, days);
          const idle = idleDays({ lastPostAt, openedOn: null, createdAt: lastPostAt }, today) >= days;
          expect(lastPostAt.getTime() < postBefore.getTime()).toBe(idle);
          expect(shanghaiDate(lastPostAt) <= sinceDate).toBe(idle);
        },
      ),
    );
  });
});

describe('weeks and working days of the sweep', () => {
  it('ISO weeks start on Monday; week 1 holds the first Thursday', () => {
    expect(isoWeek('2026-11-20')).toBe('2026-W47');
    expect(isoWeek('2026-11-16')).toBe('2026-W47');
    expect(isoWeek('2026-11-22')).toBe('2026-W47');
    expect(isoWeek('2026-11-23')).toBe('2026-W48');
    expect(isoWeek('2027-01-01')).toBe('2026-W53');
    expect(isoWeek('2026-01-01')).toBe('2026-W01');
    expect(isoWeek('2025-12-29')).toBe('2026-W01');
  });

  it('神木 第十二条 is checked on the first working day of a week: Monday, or the Tuesday after the 清明 Monday holiday', () => {
    expect(firstWorkdayOfWeek(cal, '2026-11-25')).toBe('2026-11-23');
    expect(firstWorkdayOfWeek(cal, '2026-04-08')).toBe('2026-04-07'); // 2026-04-06 清明 is a Monday holiday
    expect(firstWorkdayOfWeek(cal, '2026-05-09')).toBe('2026-05-06'); // 劳动节 to Tuesday; the make-up Saturday is not first
    expect(firstWorkdayOfWeek(cal, '2026-10-10')).toBe('2026-10-08'); // 国庆 to Wednesday 10-07
    expect(firstWorkdayOfWeek(cal, '2026-02-18')).toBeNull(); // the whole 春节 week is off
    expect(firstWorkdayOfWeek(cal, '2026-02-24')).toBe('2026-02-24'); // 春节 ends on Monday 02-23
  });

  it('the week before is Monday–Sunday in Shanghai, as instants', () => {
    const w = previousWeek('2026-04-07');
    expect(w).toMatchObject({ monday: '2026-03-30', sunday: '2026-04-05', label: '2026-W14' });
    expect(w.from.toISOString()).toBe('2026-03-29T16:00:00.000Z');
    expect(w.to.toISOString()).toBe('2026-04-05T16:00:00.000Z');
  });

  it('reminders go out on working days, incl. make-up Saturdays (调休), not on holidays — unless 每天提醒', () => {
    expect(isRemindDay(cal, '2026-11-20', false)).toBe(true);
    expect(isRemindDay(cal, '2026-11-21', false)).toBe(false);
    expect(isRemindDay(cal, '2026-10-10', false)).toBe(true); // 国庆 make-up Saturday
    expect(isRemindDay(cal, '2026-09-20', false)).toBe(true); // 国庆 make-up Sunday
    expect(isRemindDay(cal, '2026-04-06', false)).toBe(false); // 清明 Monday
    expect(isRemindDay(cal, '2026-11-21', true)).toBe(true);
    expect(remindInstant('2026-11-20', '09:00').toISOString()).toBe('2026-11-20T01:00:00.000Z');
  });
});

describe('reminder lines and keys', () => {
  it('a reminder names the account so the command in it finds exactly that account', () => {
    const a = { id: 12, name: '兴国教育', platform: 'douyin', sameName: 1, sameNamePlatform: 1 };
    expect(accountRef(a)).toBe('兴国教育');
    expect(accountRef({ ...a, sameName: 2 })).toBe('兴国教育 平台=抖音');
    expect(accountRef({ ...a, sameName: 3, sameNamePlatform: 2 })).toBe('A12');
    expect(accountRef({ ...a, name: '兴国 教育' })).toBe('A12');
  });

  it('the message key of a set of reminders does not depend on their order', () => {
    expect(keysDigest(['b', 'a'])).toBe(keysDigest(['a', 'b']));
    expect(keysDigest(['a', 'b'])).not.toBe(keysDigest(['a', 'c']));
    expect(keysDigest(['ab'])).not.toBe(keysDigest(['a', 'b']));
    expect(keysDigest([])).toMatch(/^[0-9a-f]{16}$/);
  });
});
