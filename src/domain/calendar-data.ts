/** The official holiday data shipped by the `chinese-days` package (国务院办公厅 holiday notices, 2004 onward). */
import data from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { type CalendarOverride, WorkCalendar } from './calendar.js';

export const officialCalendarData = {
  holidays: data.holidays as Readonly<Record<string, string>>,
  workdays: data.workdays as Readonly<Record<string, string>>,
};

export function officialCalendar(overrides: readonly CalendarOverride[] = []): WorkCalendar {
  return new WorkCalendar(officialCalendarData, overrides);
}
