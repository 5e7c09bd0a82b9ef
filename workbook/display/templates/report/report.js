// Draws the charts of a Step 2 batch report. Each chart's spec is on its page; data that
// every page shares (the distribution grid's bars) was loaded from ../assets/ before.
(function () {
  "use strict";
  var options = __EMBED_OPTIONS__;

  function fail(target, message) {
    var note = document.createElement("p");
    note.className = "wb-chart-error";
    note.textContent = "This chart could not be drawn: " + message;
    target.appendChild(note);
  }

  function draw(node) {
    var target = document.getElementById(node.getAttribute("data-target"));
    var spec = JSON.parse(node.textContent);
    var shared = window.WB_SHARED || {};
    var wanted = (node.getAttribute("data-shared") || "").split(" ").filter(Boolean);
    for (var i = 0; i < wanted.length; i++) {
      var parts = wanted[i].split("=");
      var rows = shared[parts[1]];
      if (!rows) {
        fail(target, "the shared file for '" + parts[1] + "' is missing from ../assets/");
        return;
      }
      spec.datasets[parts[0]] = rows.concat(spec.datasets[parts[0]] || []);
    }
    if (typeof vegaEmbed !== "function") {
      fail(target, "../assets/vega-bundle.js is missing");
      return;
    }
    vegaEmbed(target, spec, options).catch(function (error) {
      fail(target, String(error));
    });
  }

  var nodes = document.querySelectorAll("script.wb-spec");
  for (var i = 0; i < nodes.length; i++) {
    draw(nodes[i]);
  }
})();
