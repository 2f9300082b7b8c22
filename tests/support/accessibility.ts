/**
 * Accessibility scans with axe-core in the browser tests: every rule, or only
 * the ones named (for a second look at a page already scanned whole), and the
 * findings that stop a user of assistive technology: serious and critical.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";
import axe from "axe-core";

/**
 * What AxeBuilder is told axe's source is: a check that axe is in the page.
 * Left to itself it would send its own copy (1.3 MB) through Playwright and have
 * the page compile it twice on every scan, once to look at it and once more to
 * inject it in legacy mode: about 0.2 s of the browser's CPU each time, on a
 * page that often had it already. `withAxe` puts it there once per document.
 */
const AXE_IN_PAGE = `if (typeof window.axe === "undefined") throw new Error("axe is not in the page");`;

async function withAxe(page: Page): Promise<void> {
  if (await page.evaluate(() => "axe" in window)) return;
  await page.evaluate(axe.source);
}

interface Scan {
  /** Only these rules. */
  rules?: string[];
  /** Only this part of the page (a CSS selector). */
  include?: string;
}

export async function expectNoSeriousViolations(page: Page, { rules, include }: Scan = {}): Promise<void> {
  // Every rule still runs; only violations are carried to the end. Otherwise axe also
  // builds a selector and an HTML excerpt for every node every passing or inapplicable
  // rule looked at: most of a scan's time on a long page, for results nobody reads.
  //
  // Legacy mode runs axe in the page itself. The default mode runs it in each frame and
  // then combines the results in a new blank page: a fresh renderer process per scan,
  // which doubled its time. Tessera's pages have no frames, so there is nothing to combine.
  await withAxe(page);
  let scan = new AxeBuilder({ page, axeSource: AXE_IN_PAGE }).options({ resultTypes: ["violations"] }).setLegacyMode(true);
  if (rules) scan = scan.withRules(rules);
  if (include) scan = scan.include(include);
  const { violations } = await scan.analyze();
  const serious = violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
  expect(serious.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.length})`)).toEqual([]);
}
