/**
 * The console's one script, served as /console/console.js (no build step, nothing fetched from
 * elsewhere). It ticks every countdown (<time class="countdown" datetime=…>) each second, and
 * every 2.5 s fetches the page's live region again (the page's URL with part=live, rendered and
 * escaped by the server) and swaps it in when it changed (its forms' request ids aside) — unless
 * someone is typing in it or has changed a choice in it.
 */
export const CLIENT_SCRIPT = `'use strict';
(function () {
  function pad(n) { return String(n).padStart(2, '0'); }
  function span(ms) {
    var s = Math.floor(Math.abs(ms) / 1000), d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600);
    var m = Math.floor(s % 3600 / 60);
    return (d ? d + 'd ' : '') + (d || h ? h + 'h ' : '') + pad(m) + 'm ' + pad(s % 60) + 's';
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll('time.countdown').forEach(function (t) {
      var left = Date.parse(t.getAttribute('datetime')) - now;
      var text = left >= 0 ? 'in ' + span(left) : span(left) + ' ago';
      if (t.textContent !== text) t.textContent = text;
      t.classList.toggle('overdue', left < 0);
    });
  }
  function editing(region) {
    var a = document.activeElement;
    if (a && region.contains(a) && /^(INPUT|SELECT|TEXTAREA)$/.test(a.tagName)) return true;
    return Array.prototype.some.call(region.querySelectorAll('input:not([type=hidden])'), function (i) {
      return i.value !== i.defaultValue;
    }) || Array.prototype.some.call(region.querySelectorAll('option'), function (o) {
      return o.selected !== o.defaultSelected;
    });
  }
  // Each render gives the forms new request ids: a part that differs only in them is unchanged.
  function content(text) { return text.replace(/ name="requestId" value="[^"]*"/g, ''); }
  var source = document.body.getAttribute('data-live');
  var region = document.getElementById('live');
  var last = null;
  function refresh() {
    var url = new URL(source, location.href);
    url.searchParams.set('part', 'live');
    fetch(url, { credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then(function (r) {
        if (r.status === 401) { location.assign('/console/signin'); return null; }
        return r.ok ? r.text() : null;
      })
      .then(function (text) {
        if (text === null) return;
        var seen = content(text);
        if (seen === last || editing(region)) return;
        last = seen;
        region.innerHTML = text;
        tick();
      })
      .catch(function () {})
      .finally(function () { setTimeout(refresh, 2500); });
  }
  tick();
  setInterval(tick, 1000);
  if (source && region) setTimeout(refresh, 2500);
})();
`;
