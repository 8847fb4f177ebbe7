// Small behaviours of the pages, bound by data attributes instead of inline handlers, so
// that the Content-Security-Policy can forbid inline script (script-src 'self').
(function () {
  'use strict';

  // <select data-autosubmit>: choosing an option submits its form (unit and status filters).
  document.addEventListener('change', function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute('data-autosubmit') && target.form) {
      target.form.submit();
    }
  });

  // <button data-print>: prints the page (bulletins, the evaluation report).
  document.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('[data-print]') : null;
    if (button) {
      window.print();
    }
  });

  // <form data-enter-stays>: Enter in an entry field does not submit the filing; the
  // filer moves on with Tab and submits with the buttons.
  document.addEventListener('keydown', function (event) {
    var target = event.target;
    if (event.key === 'Enter' && target instanceof HTMLElement && target.classList.contains('entry') &&
        target.closest('form[data-enter-stays]')) {
      event.preventDefault();
    }
  });

  // <form data-upload-progress> with a <progress> inside: shows how much of an upload has
  // been sent.
  document.addEventListener('htmx:xhr:progress', function (event) {
    var form = event.target instanceof Element ? event.target.closest('[data-upload-progress]') : null;
    var detail = event.detail;
    if (form && detail && detail.lengthComputable) {
      var bar = form.querySelector('progress');
      if (bar) {
        bar.value = detail.loaded * 100 / detail.total;
      }
    }
  });
})();
