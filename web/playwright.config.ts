import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS } from './e2e/fixtures';

// Debian's Chromium, never a browser downloaded by Playwright; one worker,
// because the machine is small and the tests share one server per worker.
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    },
    locale: 'nb-NO',
    timezoneId: 'Europe/Oslo',
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
