/**
 * Styles of the sign-in, consent and sign-out screens, shared by the server
 * page and the console preview. They set their own box model, so the
 * console's global styles (Mantine's border-box reset) lay the preview out
 * exactly as the bare page: the card is 518 px wide in both.
 */
export const interactionStyles = `
.oc-page{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1c2230;background:#f4f5f8;min-height:100vh;display:flex;align-items:center;justify-content:center;padding:24px;box-sizing:border-box}
.oc-page *,.oc-page *::before,.oc-page *::after{box-sizing:border-box}
.oc-page legend{padding:0}
.oc-card{background:#fff;border:1px solid #dde1e8;border-radius:14px;box-shadow:0 4px 24px rgba(20,30,60,.06);width:100%;max-width:518px;padding:28px}
.oc-head{display:flex;gap:14px;align-items:center;margin-bottom:18px}
.oc-head:last-child{margin-bottom:0}
.oc-logo{width:48px;height:48px;border-radius:10px;background:#e8ebf3;display:grid;place-items:center;font-weight:700;font-size:20px;color:#3b4a6b;overflow:hidden;flex:none}
.oc-logo img{width:100%;height:100%;object-fit:cover}
.oc-title{font-size:19px;font-weight:650;margin:0}
.oc-sub{color:#5b6478;margin:2px 0 0;font-size:13.5px}
.oc-badge{display:inline-block;font-size:11.5px;padding:1px 8px;border-radius:99px;background:#eef1f7;color:#3b4a6b;margin-left:6px;vertical-align:2px}
.oc-section{margin:16px 0}
.oc-label{font-size:12px;font-weight:600;letter-spacing:.04em;text-transform:uppercase;color:#6a7387;margin:0 0 8px}
.oc-scopes{list-style:none;padding:0;margin:0;border:1px solid #e5e8ee;border-radius:10px}
.oc-scopes li{padding:10px 12px;border-top:1px solid #eef0f4;display:flex;gap:10px}
.oc-scopes li:first-child{border-top:0}
.oc-scope-name{font-family:ui-monospace,Menlo,monospace;font-size:12.5px;color:#3b4a6b}
.oc-scope-desc{display:block}
.oc-denied{color:#9a3b00;font-size:12.5px;display:block}
.oc-claims{color:#5b6478;font-size:12.5px;display:block;margin-top:2px;overflow-wrap:anywhere}
.oc-tick{color:#1f7a4d;font-weight:700}
.oc-cross{color:#b42318;font-weight:700}
.oc-choice{display:flex;align-items:center;gap:10px;padding:10px 12px;border:1px solid #e5e8ee;border-radius:10px;margin-bottom:8px;cursor:pointer}
.oc-choice:hover{border-color:#9fb0d6}
.oc-choice input{margin:0}
.oc-role{margin-left:auto;font-size:12px;color:#5b6478}
.oc-links{font-size:13px;color:#5b6478}
.oc-links a{color:#2f5bd3;margin-right:12px}
.oc-actions{display:flex;gap:10px;margin-top:20px}
.oc-btn{flex:1;font:inherit;font-weight:600;padding:10px 14px;border-radius:9px;border:1px solid #c9d0dc;background:#fff;color:#1c2230;cursor:pointer}
.oc-btn:focus-visible{outline:3px solid #9fb7f5;outline-offset:2px}
.oc-btn-primary{background:#2f5bd3;border-color:#2f5bd3;color:#fff}
.oc-btn[disabled]{opacity:.6;cursor:not-allowed}
.oc-note{font-size:12.5px;color:#6a7387;margin-top:14px}
.oc-user{display:flex;flex-direction:column}
.oc-user small{color:#5b6478}
.oc-switch{font-size:13px;color:#5b6478;margin:-8px 0 12px}
.oc-link{font:inherit;background:none;border:0;padding:0;color:#2f5bd3;text-decoration:underline;cursor:pointer}
.oc-link[disabled]{cursor:not-allowed;opacity:.7}
.oc-link:focus-visible{outline:3px solid #9fb7f5;outline-offset:2px;border-radius:3px}
@media (prefers-color-scheme: dark){
.oc-page{background:#12151c;color:#e6e9f0}.oc-card{background:#1a1f29;border-color:#2b3240;box-shadow:none}
.oc-sub,.oc-links,.oc-note,.oc-role,.oc-user small,.oc-switch,.oc-claims{color:#a3acbf}.oc-label{color:#8f98ab}
.oc-scopes,.oc-choice{border-color:#2b3240}.oc-scopes li{border-color:#252b37}.oc-scope-name{color:#b9c6e6}
.oc-logo,.oc-badge{background:#262d3b;color:#c8d2ea}.oc-btn{background:#222836;border-color:#39414f;color:#e6e9f0}
.oc-btn-primary{background:#3d6be6;border-color:#3d6be6}.oc-links a,.oc-link{color:#8fb0ff}}
`;
