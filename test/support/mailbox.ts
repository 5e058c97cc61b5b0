// Reads the development mailbox, waiting for mail that is sent off the response path.
import { callJson } from "./api";

export interface Mail {
  to: string;
  subject: string;
  template: "PASSWORD_RESET_LINK" | "PASSWORD_RESET_OTP" | "PASSWORD_UPDATED";
  text: string;
  html: string;
  createdAt: string;
}

export async function mailbox(to: string): Promise<Mail[]> {
  const res = await callJson<{ items: Mail[] }>("GET", `/dev/mailbox?to=${encodeURIComponent(to)}`);
  return res.body.items;
}

/** Waits until `to` has `count` messages of `template`, and returns the newest. */
export async function waitForMail(to: string, template: Mail["template"], count = 1, timeoutMs = 5000): Promise<Mail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = (await mailbox(to)).filter((m) => m.template === template);
    if (mails.length >= count) return mails[0]!;
    if (Date.now() > deadline) throw new Error(`no ${template} mail #${count} for ${to}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function emailAuthCodeOf(mail: Mail): string {
  const m = /[?&]emailAuthCode=([A-Za-z0-9_-]+)/.exec(mail.text);
  if (!m) throw new Error("no emailAuthCode in mail");
  return m[1]!;
}

export function verificationCodeOf(mail: Mail): string {
  const m = /verification code is: (\d+)/.exec(mail.text);
  if (!m) throw new Error("no verificationCode in mail");
  return m[1]!;
}
