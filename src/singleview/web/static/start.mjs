// Start every GOV.UK Frontend component on the page (error summary focus, header, buttons).
import { initAll } from '/static/govuk/govuk-frontend.min.js'

initAll()
