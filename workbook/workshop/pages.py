"""The phone pages' look and their small script, both inline (nothing else is fetched).

Sizes are in rem so the page reflows at 200% zoom; controls are at least 44 px tall;
focus is always visible. The colours are the theme's.
"""

from __future__ import annotations

from workbook.display.theme import (
    ACCENT,
    BORDER_GREY,
    ERROR,
    FONT,
    PANEL_BACKGROUND,
    SUCCESS,
    TEXT,
    TEXT_MUTED,
    WHITE,
)

CSS = f"""
*, *::before, *::after {{ box-sizing: border-box; }}
html {{ font-size: 100%; -webkit-text-size-adjust: 100%; }}
body {{ margin: 0; font-family: {FONT}; font-size: 1.125rem; line-height: 1.5;
  color: {TEXT}; background: {WHITE}; }}
main {{ max-width: 36rem; margin: 0 auto; padding: 1rem; }}
h1 {{ font-size: 1.5rem; line-height: 1.25; margin: 0.5rem 0 0.75rem; overflow-wrap: anywhere; }}
p {{ margin: 0.5rem 0; }}
.muted {{ color: {TEXT_MUTED}; }}
fieldset {{ border: 1px solid {BORDER_GREY}; border-radius: 0.5rem; margin: 1rem 0;
  padding: 0.5rem 0.75rem 0.75rem; }}
legend {{ font-weight: 600; padding: 0 0.25rem; }}
.option {{ display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem;
  padding: 0.5rem 0; border-bottom: 1px solid {BORDER_GREY}; }}
.option:last-child {{ border-bottom: 0; }}
.option label {{ flex: 1 1 12rem; overflow-wrap: anywhere; cursor: pointer; }}
.detail {{ display: block; font-size: 0.95rem; color: {TEXT_MUTED}; }}
input[type=radio], input[type=checkbox] {{ width: 1.5rem; height: 1.5rem; margin: 0; }}
input[type=number], select, input[type=text], textarea {{ font: inherit; min-height: 2.75rem;
  padding: 0.25rem 0.5rem; border: 1px solid {TEXT_MUTED}; border-radius: 0.375rem;
  background: {WHITE}; color: {TEXT}; }}
input[type=number] {{ width: 5rem; }}
input[type=text] {{ width: 100%; text-transform: uppercase; letter-spacing: 0.15em; }}
textarea {{ width: 100%; }}
button, .button {{ font: inherit; font-weight: 600; min-height: 2.75rem; padding: 0.5rem 1.25rem;
  border: 0; border-radius: 0.375rem; background: {ACCENT}; color: {WHITE}; cursor: pointer;
  display: inline-block; text-decoration: none; }}
button.step {{ min-width: 2.75rem; padding: 0.25rem; background: {PANEL_BACKGROUND};
  color: {TEXT}; border: 1px solid {TEXT_MUTED}; }}
button:disabled {{ opacity: 0.5; cursor: not-allowed; }}
:focus-visible {{ outline: 3px solid {ACCENT}; outline-offset: 2px; }}
.error {{ border-left: 0.3rem solid {ERROR}; padding: 0.5rem 0.75rem; color: {ERROR};
  background: {PANEL_BACKGROUND}; }}
.done {{ border-left: 0.3rem solid {SUCCESS}; padding: 0.5rem 0.75rem;
  background: {PANEL_BACKGROUND}; }}
.left {{ font-weight: 600; }}
a {{ color: {ACCENT}; }}
"""

# Dot voting with JavaScript on: + and - buttons beside each number, and a count of the
# dots left that stops the participant placing too many. Without it, the plain number
# inputs and checkboxes work and the server checks the total.
SCRIPT = """
(function () {
  var form = document.querySelector('form[data-dots]');
  if (!form) { return; }
  var limit = parseInt(form.getAttribute('data-dots'), 10);
  var left = document.getElementById('dots-left');
  var numbers = Array.prototype.slice.call(form.querySelectorAll('input[type=number]'));
  var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name=dot]'));
  function used() {
    var total = 0;
    numbers.forEach(function (n) { total += Math.max(0, parseInt(n.value, 10) || 0); });
    boxes.forEach(function (b) { if (b.checked) { total += 1; } });
    return total;
  }
  function update() {
    var rest = limit - used();
    left.hidden = false;
    left.textContent = rest >= 0 ? 'Dots left: ' + rest
      : 'Too many dots: take ' + (-rest) + ' off';
    numbers.forEach(function (n) {
      var plus = n.parentNode.querySelector('button[data-step="1"]');
      var minus = n.parentNode.querySelector('button[data-step="-1"]');
      var value = parseInt(n.value, 10) || 0;
      if (plus) { plus.disabled = rest <= 0 || value >= parseInt(n.max, 10); }
      if (minus) { minus.disabled = value <= 0; }
    });
    boxes.forEach(function (b) { b.disabled = !b.checked && rest <= 0; });
  }
  numbers.forEach(function (n) {
    [-1, 1].forEach(function (step) {
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'step';
      b.setAttribute('data-step', String(step));
      var name = n.getAttribute('data-label');
      b.setAttribute('aria-label', (step > 0 ? 'Add a dot to ' : 'Take a dot from ') + name);
      b.textContent = step > 0 ? '+' : '\\u2212';
      b.addEventListener('click', function () {
        n.value = String(Math.max(0, (parseInt(n.value, 10) || 0) + step));
        update();
      });
      if (step < 0) { n.parentNode.insertBefore(b, n); } else { n.parentNode.appendChild(b); }
    });
    n.addEventListener('input', update);
  });
  boxes.forEach(function (b) { b.addEventListener('change', update); });
  update();
})();
"""
