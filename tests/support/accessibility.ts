/**
 * Accessibility scans with axe-core in the browser tests: every rule, or only
 * the ones named (for a second look at a page already scanned whole), and the
 * findings that stop a user of assistive technology: serious and critical.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

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
  let scan = new AxeBuilder({ page }).options({ resultTypes: ["violations"] }).setLegacyMode(true);
  if (rules) scan = scan.withRules(rules);
  if (include) scan = scan.include(include);
  const { violations } = await scan.analyze();
  const serious = violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
  expect(serious.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.length})`)).toEqual([]);
}
