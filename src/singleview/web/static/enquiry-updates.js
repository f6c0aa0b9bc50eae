// Progressive enhancement for the single view: while any partner is still to answer, ask the
// node every few seconds for the page's partner section and swap it in, so answers appear
// without a reload. Without scripts the page offers a "Check for new answers" link instead.
;(function () {
  var region = document.getElementById('partners')
  if (!region || region.getAttribute('data-complete') === 'true') return
  var url = region.getAttribute('data-poll-url')
  var status = document.getElementById('update-status')
  var refresh = document.getElementById('refresh-link')
  if (refresh) refresh.hidden = true
  function poll() {
    fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) throw new Error('status ' + response.status)
        return response.json()
      })
      .then(function (data) {
        if (data.html !== region.innerHTML) region.innerHTML = data.html
        if (status && data.status_text !== status.textContent) status.textContent = data.status_text
        if (data.complete) {
          region.setAttribute('data-complete', 'true')
        } else {
          window.setTimeout(poll, 2000)
        }
      })
      .catch(function () {
        if (refresh) refresh.hidden = false
        window.setTimeout(poll, 10000)
      })
  }
  window.setTimeout(poll, 1500)
})()
