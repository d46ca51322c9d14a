// Package e2e proves the built site in a real browser: every page of the
// sample site loads in headless Chromium under the exact headers of
// netlify.toml with no console error or CSP violation, axe-core finds no
// WCAG 2.1 AA violation in light or dark mode, the Nu Html Checker finds no
// error, pages fit a 360 px phone; under briefs serve every page loads with
// the production CSP and no console error, and an edited page reloads.
// netlify-cli builds the sample site three times in a row with the
// project's netlify.toml, as fresh clones with Netlify's build cache, and
// the builds after the first draw no OpenGraph image.
// The tests skip loudly where a tool is missing, unless BRIEFS_E2E=require.
package e2e
