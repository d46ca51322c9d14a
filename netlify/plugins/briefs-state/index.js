// Netlify build plugin: keeps briefs' build state between deploys.
//
// `briefs build` reuses what it finds beside the output: OpenGraph images
// in public/ (named by what they show) and, in .public.briefs/, the output
// before that (the next build is written into it, so unchanged files are
// not rewritten) and the record of the last build. Netlify starts every
// build from a fresh clone, so without this every deploy would draw every
// image again. Both folders go into Netlify's build cache after the build
// and come back before the next one.
'use strict'

const { join } = require('path')

const out = (constants) => constants.PUBLISH_DIR || 'public'
const state = (dir) => join(dir, '..', '.' + require('path').basename(dir) + '.briefs')

module.exports = {
  async onPreBuild({ constants, utils }) {
    const dir = out(constants)
    const restored = await utils.cache.restore([dir, state(dir)], { move: true })
    console.log(restored ? `briefs-state: restored ${dir} and its build state from the cache` : 'briefs-state: nothing cached yet; this build draws every image')
  },
  async onPostBuild({ constants, utils }) {
    const dir = out(constants)
    // public/ is copied (it is about to be deployed); the state folder is
    // not deployed, so it is moved.
    const a = await utils.cache.save(dir)
    const b = await utils.cache.save(state(dir), { move: true })
    console.log(a || b ? `briefs-state: saved ${dir} and its build state to the cache` : 'briefs-state: nothing to cache')
  },
}
