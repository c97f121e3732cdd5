// Meeting mode: the arrow keys move between items, unless someone is typing.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.isContentEditable);
    if (typing || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var link = null;
    if (event.key === "ArrowRight") { link = document.getElementById("meeting-next"); }
    if (event.key === "ArrowLeft") { link = document.getElementById("meeting-previous"); }
    if (link) { window.location.assign(link.href); }
  });
})();
