import { textOnColor } from "../branding/theme";
import type { EmailLook } from "./look";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Names, links and branding are caller-supplied: escape them before they enter HTML. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

/** A paragraph of plain text. */
export const para = (text: string) => `<p style="margin:0 0 16px">${escapeHtml(text)}</p>`;

/** A button-like link in the brand colour; email clients ignore stylesheets, so styles are inline. */
export function button(look: EmailLook, href: string, label: string): string {
  const { primaryColor } = look.theme;
  return `<p style="margin:24px 0"><a href="${escapeHtml(href)}" style="background:${primaryColor};color:${textOnColor(primaryColor)};padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block;font-weight:bold">${escapeHtml(label)}</a></p>`;
}

/** The branded frame around every email: logo or name on top, support address at the foot. */
export function htmlDocument(look: EmailLook, title: string, body: string): string {
  const { theme, copy, language } = look;
  const header = theme.logoUrl
    ? `<img src="${escapeHtml(theme.logoUrl)}" alt="${escapeHtml(theme.displayName)}" style="max-height:48px;max-width:240px">`
    : `<strong style="font-size:20px;color:${theme.primaryColor}">${escapeHtml(theme.displayName)}</strong>`;
  const support = theme.supportEmail
    ? `<p style="margin:24px 0 0;color:#555;font-size:14px">${escapeHtml(copy.email.support)} <a href="mailto:${escapeHtml(theme.supportEmail)}">${escapeHtml(theme.supportEmail)}</a></p>`
    : "";
  return (
    `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head>` +
    `<body style="margin:0;padding:24px;font-family:system-ui,sans-serif;color:#111;line-height:1.5">` +
    `<div style="max-width:560px;margin:0 auto"><div style="border-bottom:3px solid ${theme.primaryColor};padding-bottom:12px;margin-bottom:24px">${header}</div>${body}${support}</div></body></html>`
  );
}

/** The plain-text part: paragraphs, then the support address when there is one. */
export function textDocument(look: EmailLook, paragraphs: string[]): string {
  const support = look.theme.supportEmail ? [`${look.copy.email.support} ${look.theme.supportEmail}`] : [];
  return [...paragraphs, ...support].join("\n\n");
}
