ALTER TABLE "roadmaps" ADD COLUMN "forked_from_id" uuid;--> statement-breakpoint
ALTER TABLE "roadmaps" ADD COLUMN "forked_from_version" integer;--> statement-breakpoint
ALTER TABLE "roadmaps" ADD CONSTRAINT "roadmaps_forked_from_id_roadmaps_id_fk" FOREIGN KEY ("forked_from_id") REFERENCES "public"."roadmaps"("id") ON DELETE set null ON UPDATE no action;