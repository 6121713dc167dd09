// The one stylesheet, inline in every page. System fonts, CSS variables for the two colour schemes,
// no external asset. Widths are fluid: side-by-side answers wrap to one column on a phone.

export const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#59636e;--line:#d1d9e0;--card:#f6f8fa;
--accent:#0969da;--pass:#1a7f37;--pass-bg:#dafbe1;--fail:#cf222e;--fail-bg:#ffebe9;--warn:#9a6700;--bar:#54aeff;--retry:#d4a72c}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--card:#151b23;
--accent:#4493f8;--pass:#3fb950;--pass-bg:#12261e;--fail:#f85149;--fail-bg:#25171c;--warn:#d29922;--bar:#1f6feb;--retry:#bb8009}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header.top{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:baseline;padding:.6rem 1rem;border-bottom:1px solid var(--line)}
header.top .brand{font-weight:700}
main{max-width:1400px;margin:0 auto;padding:1rem}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,summary:focus-visible,input:focus-visible,select:focus-visible,[tabindex]:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
h1{font-size:1.35rem;margin:.2rem 0 .6rem;overflow-wrap:anywhere}h2{font-size:1.15rem;margin:1.4rem 0 .5rem}h3{font-size:1rem;margin:.2rem 0}
.muted{color:var(--muted)}.small{font-size:.85rem}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;margin:0 0 1rem}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;overflow-wrap:anywhere}
.prompt,pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.6rem .8rem;margin:.3rem 0;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;max-height:32rem;overflow:auto}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,22rem),1fr));gap:.8rem}
.card{border:1px solid var(--line);border-radius:8px;padding:.7rem .8rem;background:var(--bg);min-width:0}
.card.failed{border-color:var(--fail)}
.card h3{display:flex;flex-wrap:wrap;gap:.2rem .5rem;align-items:baseline}
.stats{display:flex;flex-wrap:wrap;gap:.1rem .8rem;color:var(--muted);font-size:.85rem;margin:.2rem 0}
.badge{display:inline-block;padding:0 .45rem;border-radius:1rem;font-size:.8rem;border:1px solid var(--line);white-space:nowrap}
.badge.completed,.badge.passed,.badge.pass{color:var(--pass);border-color:var(--pass)}
.badge.failed,.badge.fail,.badge.error{color:var(--fail);border-color:var(--fail)}
.badge.degraded,.badge.interrupted,.badge.running{color:var(--warn);border-color:var(--warn)}
.error{color:var(--fail);overflow-wrap:anywhere}
.arbiter{border-left:4px solid var(--accent);padding:.4rem .8rem;margin:.8rem 0;background:var(--card);border-radius:0 6px 6px 0}
.markdown{overflow-wrap:anywhere}.markdown pre{max-height:none}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:.85rem}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.scroll{overflow-x:auto}
.scroll svg{min-width:640px}
td.cell{min-width:9rem}
td.cell.pass{background:var(--pass-bg)}td.cell.fail{background:var(--fail-bg)}
.cell-mark{font-weight:700}.pass .cell-mark{color:var(--pass)}.fail .cell-mark{color:var(--fail)}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.5rem 0 1rem}
form.filters label{display:flex;flex-direction:column;font-size:.8rem;color:var(--muted)}
input,select,button{font:inherit;color:inherit;background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:.3rem .5rem}
button{cursor:pointer;background:var(--card)}
nav.pager{display:flex;gap:1rem;margin:1rem 0}
svg text{fill:var(--fg);font-size:11px}
svg .bar{fill:var(--bar)}svg .bar.failed{fill:var(--fail)}svg .wait{fill:var(--retry)}svg .axis{stroke:var(--line)}
svg .line{stroke:var(--accent);fill:none;stroke-width:2}svg .dot{fill:var(--accent)}svg .threshold{stroke:var(--warn);stroke-dasharray:4 3}
.diff{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;overflow-wrap:anywhere;border:1px solid var(--line);border-radius:6px;padding:.4rem .6rem;background:var(--card)}
.diff .add{background:var(--pass-bg);color:var(--pass);display:block}.diff .del{background:var(--fail-bg);color:var(--fail);display:block}
.diff .same{display:block;color:var(--muted)}
.changed{border-color:var(--warn)}
details>summary{cursor:pointer}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
@media (max-width:600px){main{padding:.6rem}body{font-size:14px}th,td{padding:.3rem}}
`;
