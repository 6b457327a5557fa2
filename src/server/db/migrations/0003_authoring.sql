ALTER TABLE "roadmaps" DROP CONSTRAINT "roadmaps_status_check";--> statement-breakpoint
ALTER TABLE "roadmaps" ADD COLUMN "owner_id" uuid;--> statement-breakpoint
ALTER TABLE "roadmaps" ADD COLUMN "draft" jsonb;--> statement-breakpoint
ALTER TABLE "roadmaps" ADD COLUMN "draft_revision" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "roadmaps" ADD CONSTRAINT "roadmaps_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roadmaps" ADD CONSTRAINT "roadmaps_status_check" CHECK ("roadmaps"."status" in ('draft', 'published', 'deleted'));