ALTER TABLE "mail_tokens" ADD COLUMN "new_email" text;--> statement-breakpoint
ALTER TABLE "roadmap_versions" ADD COLUMN "rendered" jsonb;