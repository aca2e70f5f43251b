/* linju: whether a service station is open now (现在开放 / 已下班 / 明天
   08:30 开门), worked out on the device's own clock in the site's time zone
   from the week, holidays and make-up working days the build wrote (a
   station's `opening.data`). One function, linjuOpening.status, for the
   station page (written as /opening.js, which fills every [data-hours]) and
   for the lobby screens (spliced into the player). Plain ES5: the phones
   and display boxes this is for are old. */
var linjuOpening = (function () {
  'use strict';
  var DAY = 86400000;
  var NAMES = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'];

  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function clock(minutes) { return pad(Math.floor(minutes / 60)) + ':' + pad(minutes % 60); }
  /* A day number (days since 1970 in the site's zone) as 2026-10-01. */
  function isoDate(day) {
    var d = new Date(day * DAY);
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate());
  }
  function weekday(day) { return (new Date(day * DAY).getUTCDay() + 6) % 7; }

  function isHoliday(data, date) {
    for (var i = 0; i < data.holidays.length; i++) {
      if (date >= data.holidays[i][0] && date <= data.holidays[i][1]) { return true; }
    }
    return false;
  }

  /* What a day is open, and why: a make-up working day opens as a weekday,
     a holiday as the station says, any other day by the week. */
  function dayPlan(data, day) {
    var date = isoDate(day);
    for (var i = 0; i < data.workdays.length; i++) {
      if (data.workdays[i] === date) { return { ranges: data.workday_hours, holiday: false }; }
    }
    if (isHoliday(data, date) && data.on_holidays !== 'as_usual') {
      return { ranges: data.on_holidays === 'closed' ? [] : data.on_holidays, holiday: true };
    }
    return { ranges: data.week[weekday(day)], holiday: false };
  }

  /* The range open at minute m of day, if any, with its closing time; a
     range that ends before it starts runs over midnight into the next day. */
  function openRange(data, day, m) {
    var today = dayPlan(data, day).ranges, yesterday = dayPlan(data, day - 1).ranges, i, r;
    for (i = 0; i < yesterday.length; i++) {
      r = yesterday[i];
      if (r[1] < r[0] && m < r[1]) { return { closes: r[1] }; }
    }
    for (i = 0; i < today.length; i++) {
      r = today[i];
      if (r[1] > r[0] ? (m >= r[0] && m < r[1]) : m >= r[0]) { return { closes: r[1], allDay: r[0] === 0 && r[1] === 1440 }; }
    }
    return null;
  }

  /* The next opening after minute m of day, within a fortnight. */
  function nextOpening(data, day, m) {
    for (var d = day; d < day + 15; d++) {
      var ranges = dayPlan(data, d).ranges;
      for (var i = 0; i < ranges.length; i++) {
        if (d > day || ranges[i][0] > m) { return { day: d, at: ranges[i][0] }; }
      }
    }
    return null;
  }

  function whenLabel(day, next) {
    if (next.day === day) { return '今天 ' + clock(next.at); }
    if (next.day === day + 1) { return '明天 ' + clock(next.at); }
    var d = new Date(next.day * DAY);
    var date = (d.getUTCMonth() + 1) + '月' + d.getUTCDate() + '日';
    if (next.day < day + 7) { return NAMES[weekday(next.day)] + '（' + date + '）' + clock(next.at); }
    return date + ' ' + clock(next.at);
  }

  /* [text, open] for the moment t (milliseconds since 1970). */
  function status(data, t) {
    var local = t + data.utc_offset_minutes * 60000;
    var day = Math.floor(local / DAY), m = Math.floor((local - day * DAY) / 60000);
    var open = openRange(data, day, m);
    if (open) {
      if (open.allDay) { return ['现在开放（全天开放）', true]; }
      var closes = open.closes === 1440 ? '24:00' : clock(open.closes);
      var again = nextOpening(data, day, open.closes);
      /* A short break (lunch) is a pause; a long one is the end of a shift. */
      if (again && again.day === day && open.closes > m && again.at - open.closes <= 180) {
        return ['现在开放，' + closes + ' 暂停（' + clock(again.at) + ' 再开）', true];
      }
      return ['现在开放，' + closes + ' 下班', true];
    }
    var next = nextOpening(data, day, m);
    var plan = dayPlan(data, day);
    var when = next ? whenLabel(day, next) + ' 开门' : '近期不开放';
    if (plan.ranges.length === 0) { return [(plan.holiday ? '今天节假日休息，' : '今天休息，') + when, false]; }
    if (m < plan.ranges[0][0]) { return ['还没开门，' + when, false]; }
    if (next && next.day === day) { return ['现在休息，' + when, false]; }
    return ['已下班，' + when, false];
  }

  /* The station page: fill every [data-hours] and keep it current. */
  function show(element, data) {
    var said = status(data, Date.now());
    element.textContent = said[0];
    element.className = 'open-status ' + (said[1] ? 'is-open' : 'is-closed');
    element.hidden = false;
  }

  function start() {
    var elements = document.querySelectorAll('[data-hours]');
    for (var i = 0; i < elements.length; i++) {
      var data;
      try { data = JSON.parse(elements[i].getAttribute('data-hours')); } catch (e) { continue; }
      show(elements[i], data);
      setInterval((function (element, d) { return function () { show(element, d); }; })(elements[i], data), 30000);
    }
  }

  if (typeof document !== 'undefined' && !document.getElementById('screen')) {
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', start);
    } else {
      start();
    }
  }
  return { status: status };
})();
