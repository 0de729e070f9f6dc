// Material's bundle requests the whole search index as soon as any page opens. At 20,000 deputies that is 0.5 MB
// gzipped, eight times the rest of a deputy's page, and most citizens come by QR code and never search. This script
// runs before the bundle and holds back that one request until the reader opens the search (focuses the search box
// or taps the search button); every other request goes out untouched.
(function () {
  "use strict";
  var INDEX = /\/search\/search_index\.json(?:[?#]|$)/;
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  var held = [];
  var released = false;

  XMLHttpRequest.prototype.open = function (method, url) {
    this.mashangSearchIndex = INDEX.test(String(url));
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    if (this.mashangSearchIndex && !released) {
      held.push([this, arguments]);
      return undefined;
    }
    return send.apply(this, arguments);
  };

  function release() {
    if (released) return;
    released = true;
    held.splice(0).forEach(function (request) {
      send.apply(request[0], request[1]);
    });
  }

  document.addEventListener("focusin", function (event) {
    if (event.target.closest && event.target.closest(".md-search")) release();
  });
  document.addEventListener("change", function (event) {
    if (event.target.id === "__search" && event.target.checked) release();
  });
})();
