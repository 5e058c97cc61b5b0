import { escapeHtml, htmlDocument } from "../html";

export function passwordUpdatedEmail(p: { applicationName: string; loginUrl: string | null }) {
  const subject = `Your ${p.applicationName} password was changed`;
  const login = p.loginUrl ? `\n\nSign in: ${p.loginUrl}` : "";
  const text =
    `The password of your ${p.applicationName} account was just changed, and every session was signed out.` +
    login +
    `\n\nIf this was not you, reset your password now and contact support.`;
  const html = htmlDocument(
    subject,
    `<p>The password of your ${escapeHtml(p.applicationName)} account was just changed, and every session was signed out.</p>` +
      (p.loginUrl ? `<p><a href="${escapeHtml(p.loginUrl)}">Sign in</a></p>` : "") +
      `<p>If this was not you, reset your password now and contact support.</p>`,
  );
  return { subject, text, html };
}
