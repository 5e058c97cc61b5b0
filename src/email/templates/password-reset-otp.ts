import { escapeHtml, htmlDocument } from "../html";

export function passwordResetOtpEmail(p: { applicationName: string; verificationCode: string; expiresInMinutes: number }) {
  const subject = `Your ${p.applicationName} password reset code`;
  const text = [
    `Someone asked to reset the password of your ${p.applicationName} account.`,
    `Your verification code is: ${p.verificationCode}`,
    `It works once, for ${p.expiresInMinutes} minutes. If you did not ask for this, ignore this email.`,
  ].join("\n\n");
  const html = htmlDocument(
    subject,
    `<p>Someone asked to reset the password of your ${escapeHtml(p.applicationName)} account.</p>` +
      `<p>Your verification code is:</p><p style="font-size:2em;letter-spacing:0.2em"><strong>${p.verificationCode}</strong></p>` +
      `<p>It works once, for ${p.expiresInMinutes} minutes. If you did not ask for this, ignore this email.</p>`,
  );
  return { subject, text, html };
}
