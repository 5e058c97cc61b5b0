import { type Theme, textOnColor } from "../../branding/theme";

/** The one stylesheet, inline under the CSP nonce: no third-party or extra requests. */
export function stylesheet(theme: Theme): string {
  const primary = theme.primaryColor;
  return `
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:100%;line-height:1.5;color:#111827;background:#f3f4f6}
body{margin:0;min-height:100vh}
.wrap{max-width:28rem;margin:0 auto;padding:1.5rem 1rem}
header{display:flex;align-items:center;gap:.75rem;padding-bottom:.75rem;margin-bottom:1.25rem;border-bottom:4px solid ${primary}}
header img{max-height:2.5rem;max-width:12rem}
header .brand{font-weight:700;font-size:1.25rem}
main{background:#fff;border-radius:.5rem;padding:1.5rem 1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}
p{margin:0 0 1rem}
.field{margin:0 0 1.25rem}
label{display:block;font-weight:600;margin-bottom:.25rem}
.hint{display:block;color:#4b5563;font-size:.9rem;margin:0 0 .375rem}
input[type=password],input[type=email],input[type=text]{display:block;width:100%;font:inherit;font-size:1rem;padding:.625rem .75rem;border:2px solid #6b7280;border-radius:.375rem;background:#fff;color:#111827}
input[aria-invalid=true]{border-color:#b91c1c}
input:focus,button:focus,a:focus{outline:3px solid ${primary};outline-offset:2px}
.error{color:#b91c1c;font-weight:600;margin:.375rem 0 0}
.summary{border-left:4px solid #b91c1c;background:#fef2f2;padding:.75rem 1rem;margin:0 0 1.25rem}
.summary:empty{display:none}
button,.button{display:inline-block;width:100%;text-align:center;font:inherit;font-weight:700;font-size:1rem;padding:.75rem 1rem;border:0;border-radius:.375rem;background:${primary};color:${textOnColor(primary)};text-decoration:none;cursor:pointer}
a{color:#1f2937}
footer{margin-top:1.25rem;font-size:.9rem;color:#374151}
footer nav{margin-top:.5rem}
footer nav a{margin-right:.75rem}
`;
}
