export type EmailTemplate = "PASSWORD_RESET_LINK" | "PASSWORD_RESET_OTP" | "PASSWORD_UPDATED";

/** A rendered email, as it is stored in the outbox. */
export interface EmailMessage {
  id: string;
  applicationId: string;
  to: string;
  template: EmailTemplate;
  subject: string;
  text: string;
  html: string;
  createdAt: number;
}
