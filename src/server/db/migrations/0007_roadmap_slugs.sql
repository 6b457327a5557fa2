CREATE TABLE "roadmap_slugs" (
	"slug" text PRIMARY KEY NOT NULL,
	"roadmap_id" uuid NOT NULL,
	"renamed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "roadmap_slugs" ADD CONSTRAINT "roadmap_slugs_roadmap_id_roadmaps_id_fk" FOREIGN KEY ("roadmap_id") REFERENCES "public"."roadmaps"("id") ON DELETE cascade ON UPDATE no action;