// The widget's stylesheet, inside its shadow root: the host page's CSS cannot reach it.
export const CSS = `
:host { all: initial; }
:host(.page) { display: block; height: 100%; }
:host(.full) { position: fixed; inset: 0; }
* { box-sizing: border-box; }
.root { --c: #2563eb; --bg: #fff; --fg: #1f2937; --muted: #6b7280; --bubble: #f3f4f6; --line: #e5e7eb;
  position: fixed; bottom: 20px; right: 20px; z-index: 2147483000; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif; color: var(--fg); }
.root.left { right: auto; left: 20px; }
.root.dark { --bg: #111827; --fg: #f3f4f6; --muted: #9ca3af; --bubble: #1f2937; --line: #374151; }
@media (prefers-color-scheme: dark) { .root.auto { --bg: #111827; --fg: #f3f4f6; --muted: #9ca3af; --bubble: #1f2937; --line: #374151; } }
button, textarea, input { font: inherit; color: inherit; margin: 0; }
.launcher { width: 56px; height: 56px; border-radius: 50%; border: 0; background: var(--c); color: #fff; cursor: pointer; box-shadow: 0 4px 16px rgb(0 0 0 / 25%); display: grid; place-items: center; position: relative; padding: 0; }
.launcher svg { width: 26px; height: 26px; fill: currentColor; }
.badge { position: absolute; top: -4px; right: -4px; min-width: 20px; height: 20px; border-radius: 10px; background: #dc2626; color: #fff; font-size: 12px; line-height: 20px; padding: 0 5px; text-align: center; }
.panel { position: absolute; bottom: 72px; right: 0; width: 360px; height: min(560px, calc(100vh - 110px)); background: var(--bg); border-radius: 14px; box-shadow: 0 8px 40px rgb(0 0 0 / 25%); display: flex; flex-direction: column; overflow: hidden; }
.left .panel { right: auto; left: 0; }
.root.page { position: relative; inset: auto; z-index: auto; height: 100%; }
.page .panel { position: relative; inset: auto; width: 100%; height: 100%; border-radius: 0; box-shadow: none; }
.head { display: flex; align-items: center; gap: 8px; padding: 12px 14px; background: var(--c); color: #fff; }
.head h2 { margin: 0; font-size: 16px; flex: 1; font-weight: 600; }
.head button { background: rgb(0 0 0 / 25%); border: 0; color: #fff; border-radius: 6px; padding: 3px 8px; cursor: pointer; }
.head button:disabled { opacity: .5; cursor: default; }
.status { font-size: 12px; white-space: nowrap; padding: 1px 8px; border-radius: 999px; background: rgb(0 0 0 / 18%); }
.status.online::before { content: "● "; color: #86efac; }
.offline { background: #fef3c7; color: #92400e; font-size: 12px; padding: 6px 12px; }
.log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px; }
.msg { max-width: 85%; padding: 8px 11px; border-radius: 12px; white-space: pre-wrap; word-wrap: break-word; background: var(--bubble); align-self: flex-start; }
.msg.customer { align-self: flex-end; background: var(--c); color: #fff; }
.msg.pending { opacity: .6; }
.msg.agent { border-left: 3px solid #16a34a; }
.msg .author { display: flex; align-items: center; gap: 6px; font-size: 11px; font-weight: 600; color: #15803d; margin-bottom: 2px; }
.msg.assistant .author { color: var(--fg); }
.avatar { width: 20px; height: 20px; border-radius: 50%; display: inline-grid; place-items: center; background: #15803d; color: #fff; font-size: 11px; }
.msg.assistant .avatar { background: var(--c); }
.foot { display: block; margin-top: 3px; font-size: 11px; opacity: .8; }
.msg .ai { display: inline-block; font-size: 11px; font-weight: 600; margin-bottom: 2px; }
.sources { display: block; margin-top: 6px; font-size: 12px; white-space: normal; }
.sources a { color: var(--c); margin-left: 6px; }
.about { display: block; text-align: center; font-size: 11px; color: var(--c); padding: 0 0 6px; }
.msg.working .text { font-style: italic; }
.msg.customer .foot { opacity: 1; text-align: right; }
.msg.failed { opacity: 1; outline: 2px solid #b91c1c; }
.debug { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 4px; font: 11px ui-monospace, monospace; color: var(--muted); }
.notice { margin: 0 10px; padding: 6px 8px; border-radius: 6px; background: #fee2e2; color: #991b1b; font-size: 12px; }
.msg.system { align-self: center; background: none; color: var(--muted); font-size: 12px; text-align: center; }
.msg.streaming::after { content: "▍"; color: var(--muted); }
.msg.incomplete::after { content: " " attr(data-note); color: #b45309; font-style: italic; }
.msg.error { color: #b91c1c; }
.msg .retry { margin-left: 6px; border: 1px solid currentColor; background: none; border-radius: 999px; font-size: 12px; padding: 1px 8px; cursor: pointer; }
.typing { padding: 0 14px 4px; font-size: 12px; color: var(--muted); font-style: italic; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; padding: 0 12px 8px; }
.chip { border: 1px solid var(--c); color: var(--c); background: var(--bg); border-radius: 999px; padding: 3px 10px; font-size: 13px; cursor: pointer; }
.rating { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; padding: 8px 12px; border-top: 1px solid var(--line); font-size: 13px; }
.rating .star { border: 1px solid var(--line); background: var(--bg); border-radius: 6px; width: 30px; cursor: pointer; padding: 2px 0; }
.rating .star[aria-pressed="true"] { background: var(--c); color: #fff; border-color: var(--c); }
.rating input { flex: 1; min-width: 100px; border: 1px solid var(--line); border-radius: 6px; padding: 4px 6px; background: var(--bg); }
.rating .submit, .composer button { background: var(--c); color: #fff; border: 0; border-radius: 8px; padding: 0 14px; cursor: pointer; font-weight: 600; }
.rating .submit { padding: 4px 10px; }
.msg .image { display: block; max-width: 100%; max-height: 240px; border-radius: 8px; }
.composer .attach { background: transparent; color: var(--c); border: 1px solid var(--line); padding: 0 10px; }
.composer { display: flex; gap: 8px; padding: 10px; border-top: 1px solid var(--line); }
.composer textarea { flex: 1; min-width: 0; resize: none; text-overflow: ellipsis; border: 1px solid var(--line); border-radius: 8px; padding: 8px; background: var(--bg); height: 40px; }
:focus-visible { outline: 2px solid var(--c); outline-offset: 2px; }
.head :focus-visible { outline-color: #fff; }
[hidden] { display: none !important; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
@media (max-width: 480px) { .composer textarea { font-size: 16px; } .head { flex-wrap: wrap; }
   .root:not(.page) .panel { position: fixed; inset: 0; width: auto; height: auto; border-radius: 0; } }
`;
