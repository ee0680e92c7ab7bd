// Progressive enhancement only: every page works without this file. Adds a "Copy" button after each read-only
// command field (pull commands, a new token). Loaded from /static (the Content-Security-Policy allows no inline script).
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('input.copy').forEach(function (input) {
    if (!navigator.clipboard) return;
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy-button';
    button.textContent = 'Copy';
    button.setAttribute('aria-label', 'Copy ' + (input.labels && input.labels[0] ? input.labels[0].textContent : 'text'));
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(input.value).then(function () { button.textContent = 'Copied'; });
    });
    input.insertAdjacentElement('afterend', button);
  });
});
