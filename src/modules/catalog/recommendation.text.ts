// Why each recommended provider fits, in English and Arabic. Kept apart from the rules so wording can change
// without touching them; recommendation.ts may only name providers listed here, so no item lacks a reason.
import { Budget } from "./budget.model.js";

export interface Phrase {
  readonly en: string;
  readonly ar: string;
}

export const WHY = {
  openstreetmap: { en: "Free, open map tiles that need no API key.", ar: "خرائط مفتوحة ومجانية دون حاجة إلى مفتاح API." },
  esri_satellite: {
    en: "Free satellite basemap for seeing fields and crops.",
    ar: "خريطة أساس مجانية بصور الأقمار الصناعية لرؤية الحقول والمحاصيل.",
  },
  mapbox_streets: { en: "Detailed street maps at a low price per request.", ar: "خرائط شوارع مفصلة بسعر منخفض لكل طلب." },
  mapbox_satellite: {
    en: "High-resolution satellite basemap at a low price per request.",
    ar: "خريطة أساس بصور أقمار صناعية عالية الدقة بسعر منخفض لكل طلب.",
  },
  mapbox_hybrid: {
    en: "Satellite imagery with street labels, up to zoom 22.",
    ar: "صور أقمار صناعية مع أسماء الشوارع حتى مستوى التكبير 22.",
  },
  google_hybrid: {
    en: "Premium satellite imagery with labels and the widest coverage.",
    ar: "صور أقمار صناعية مميزة مع التسميات وأوسع تغطية.",
  },
  open_meteo: {
    en: "Free 16-day forecasts and historical weather, with no API key.",
    ar: "توقعات مجانية لمدة 16 يوماً وبيانات طقس تاريخية دون مفتاح API.",
  },
  openweathermap: { en: "Weather alerts, free for up to 1,000 calls a day.", ar: "تنبيهات الطقس، مجاناً حتى 1000 طلب يومياً." },
  weather_api: { en: "14-day forecasts with history and weather alerts.", ar: "توقعات لمدة 14 يوماً مع البيانات التاريخية وتنبيهات الطقس." },
  landsat: { en: "Free 30 m imagery with NDVI, NDWI, EVI and SAVI.", ar: "صور مجانية بدقة 30 متراً مع مؤشرات NDVI وNDWI وEVI وSAVI." },
  sentinel_hub: {
    en: "10 m imagery every 5 days with NDVI, NDWI and more, at very low cost.",
    ar: "صور بدقة 10 أمتار كل 5 أيام مع NDVI وNDWI وغيرها بتكلفة منخفضة جداً.",
  },
  planet_labs: { en: "Daily 3 m imagery for close crop monitoring.", ar: "صور يومية بدقة 3 أمتار لمراقبة المحاصيل عن قرب." },
} as const satisfies Record<string, Phrase>;
export type RecommendedName = keyof typeof WHY;

export const BUDGET_WORDS: Readonly<Record<Budget, Phrase>> = {
  [Budget.FREE]: { en: "free", ar: "مجانية" },
  [Budget.LOW]: { en: "low", ar: "منخفضة" },
  [Budget.MEDIUM]: { en: "medium", ar: "متوسطة" },
  [Budget.HIGH]: { en: "high", ar: "مرتفعة" },
};

// useCase is free text; the default and a few common ones read naturally in Arabic, others are quoted as given.
const USE_CASES_AR: Readonly<Record<string, string>> = {
  agricultural: "للاستخدام الزراعي",
  agriculture: "للاستخدام الزراعي",
  farming: "للاستخدام الزراعي",
};

/** "Recommended for <use case> use on a <budget> budget", plus the offline note when it was a criterion. */
export function fitPhrase(budget: Budget, useCase: string, offline: boolean): Phrase {
  const words = BUDGET_WORDS[budget];
  const useCaseAr = USE_CASES_AR[useCase.toLowerCase()] ?? `لحالة الاستخدام «${useCase}»`;
  return {
    en: `Recommended for ${useCase} use on a ${words.en} budget${offline ? "; works offline" : ""}.`,
    ar: `موصى به ${useCaseAr} ضمن ميزانية ${words.ar}${offline ? "؛ يعمل دون اتصال" : ""}.`,
  };
}

/** Said of an offline replacement: which recommended maps it stands in for. */
export function replacesPhrase(names: readonly Phrase[]): Phrase {
  return {
    en: ` Replaces ${names.map((n) => n.en).join(", ")}, which cannot work offline.`,
    ar: ` بديل عن ${names.map((n) => n.ar).join("، ")} (لا يدعم العمل دون اتصال).`,
  };
}
