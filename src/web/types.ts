// The API's shapes as the web app uses them (the OpenAPI document is the reference).

export type StepStatus = 'todo' | 'in_progress' | 'done' | 'skipped';

export interface Resource {
  title: string;
  url: string;
  kind: string;
}

export interface RoadmapStep {
  id: string;
  slug: string;
  title: string;
  summary: string;
  required: boolean;
  position: number;
  estimatedHours: number;
  resources: Resource[];
}

export interface RoadmapDocument {
  slug: string;
  title: string;
  summary: string;
  introHtml: string;
  version: number;
  stepCount: number;
  requiredStepCount: number;
  estimatedHours: number;
  layers: { slug: string; title: string; summary: string; steps: RoadmapStep[] }[];
  milestones: { slug: string; title: string; descriptionHtml: string; afterStep: string }[];
  comparisons: { slug: string; title: string; columns: string[]; rows: string[][] }[];
  faq: { question: string; answerHtml: string }[];
  callToAction: { title: string; text: string };
}

export interface RoadmapListItem {
  slug: string;
  title: string;
  summary: string;
  stepCount: number;
  requiredStepCount: number;
  estimatedHours: number;
}

export interface StepDetail extends RoadmapStep {
  roadmapSlug: string;
  layer: { slug: string; title: string };
  bodyHtml: string;
}

export interface ProgressSummary {
  roadmapSlug: string;
  roadmapTitle: string;
  steps: Record<string, StepStatus>;
  doneCount: number;
  stepCount: number;
  percent: number;
  requiredDoneCount: number;
  requiredCount: number;
  requiredPercent: number;
  milestones: { slug: string; title: string; reached: boolean; reachedAt: string | null }[];
  nextStep: { slug: string; title: string; required: boolean } | null;
}

export interface Stats {
  currentStreak: number;
  longestStreak: number;
  todayMinutes: number;
  dailyGoalMinutes: number;
  totalMinutes: number;
  today: string;
  heatmap: { date: string; minutes: number }[];
}

export interface StudySession {
  id: string;
  date: string;
  minutes: number;
  roadmapSlug: string | null;
  stepSlug: string | null;
  note: string | null;
  createdAt: string;
}

export interface PublicProfile {
  handle: string;
  displayName: string;
  memberSince: string;
  currentStreak: number;
  longestStreak: number;
  roadmaps: { slug: string; title: string; percent: number; doneCount: number; stepCount: number }[];
}
