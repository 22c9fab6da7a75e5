/* Parley chat widget loader. Embed:
 *   <script src="https://PARLEY_HOST/widget.js" async data-title="Help" data-position="right"></script>
 * or call Parley.init({...}) (see the README, "Embed on your site"). Defines only window.Parley. */
(function () {
  var script = document.currentScript;
  var base = new URL('.', script.src).href;
  var queued = (window.Parley && window.Parley.q) || [];
  var started = false;

  function fromData(d) {
    var o = {};
    ['title', 'greeting', 'position', 'color', 'locale', 'dark', 'userId', 'userHash', 'mount'].forEach(function (k) {
      if (d[k] !== undefined) o[k] = d[k];
    });
    if (d.open !== undefined) o.open = d.open !== 'false';
    if (o.dark === 'true' || o.dark === 'false') o.dark = o.dark === 'true';
    return o;
  }

  function init(options) {
    if (started) return;
    started = true;
    var merged = fromData(script.dataset);
    for (var k in options || {}) merged[k] = options[k];
    import(base + 'widget/widget.js').then(function (m) { m.mount(merged, base); }, function (e) {
      console.error('Parley widget could not load (is this site in parley.widget.allowed-origins?)', e);
    });
  }

  window.Parley = { init: init };
  if (queued.length) init(queued[0]);
  else if (script.dataset.manual === undefined) init({});
})();
