CREATE TABLE "roadmap_versions" (
	"roadmap_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"document" jsonb NOT NULL,
	"content_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "roadmap_versions_roadmap_id_version_pk" PRIMARY KEY("roadmap_id","version")
);
--> statement-breakpoint
CREATE TABLE "roadmaps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"title" text NOT NULL,
	"summary" text NOT NULL,
	"status" text NOT NULL,
	"current_version" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(summary, '')), 'B')) STORED,
	CONSTRAINT "roadmaps_status_check" CHECK ("roadmaps"."status" in ('draft', 'published'))
);
--> statement-breakpoint
CREATE TABLE "steps" (
	"id" text PRIMARY KEY NOT NULL,
	"roadmap_id" uuid NOT NULL,
	"slug" text NOT NULL,
	"layer_slug" text NOT NULL,
	"layer_title" text NOT NULL,
	"title" text NOT NULL,
	"summary" text NOT NULL,
	"body" text NOT NULL,
	"body_html" text NOT NULL,
	"required" boolean NOT NULL,
	"position" integer NOT NULL,
	"estimated_hours" real NOT NULL,
	"resources" jsonb NOT NULL,
	"retired_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(summary, '')), 'B') || setweight(to_tsvector('english', coalesce(body, '')), 'C')) STORED
);
--> statement-breakpoint
ALTER TABLE "roadmap_versions" ADD CONSTRAINT "roadmap_versions_roadmap_id_roadmaps_id_fk" FOREIGN KEY ("roadmap_id") REFERENCES "public"."roadmaps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "steps" ADD CONSTRAINT "steps_roadmap_id_roadmaps_id_fk" FOREIGN KEY ("roadmap_id") REFERENCES "public"."roadmaps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "roadmaps_slug_key" ON "roadmaps" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "roadmaps_search_idx" ON "roadmaps" USING gin ("search");--> statement-breakpoint
CREATE UNIQUE INDEX "steps_roadmap_slug_live_key" ON "steps" USING btree ("roadmap_id","slug") WHERE "steps"."retired_at" is null;--> statement-breakpoint
CREATE INDEX "steps_roadmap_position_idx" ON "steps" USING btree ("roadmap_id","position");--> statement-breakpoint
CREATE INDEX "steps_search_idx" ON "steps" USING gin ("search");