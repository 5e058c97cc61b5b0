import { escapeHtml, htmlDocument } from "../html";

export function passwordResetLinkEmail(p: { applicationName: string; link: string; expiresInMinutes: number }) {
  const subject = `Reset your ${p.applicationName} password`;
  const text = [
    `Someone asked to reset the password of your ${p.applicationName} account.`,
    `Open this link to choose a new password (it works once, for ${p.expiresInMinutes} minutes):`,
    p.link,
    `If you did not ask for this, ignore this email: your password stays as it is.`,
  ].join("\n\n");
  const html = htmlDocument(
    subject,
    `<p>Someone asked to reset the password of your ${escapeHtml(p.applicationName)} account.</p>` +
      `<p><a href="${escapeHtml(p.link)}">Choose a new password</a> (the link works once, for ${p.expiresInMinutes} minutes).</p>` +
      `<p>If you did not ask for this, ignore this email: your password stays as it is.</p>`,
  );
  return { subject, text, html };
}
