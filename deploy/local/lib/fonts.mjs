// A font with Chinese and Latin glyphs for printable outcome certificates (PDF), from Debian's
// packages: fonts-wqy-microhei's wqy-microhei.ttc (Apache-2.0 / GPLv3 with font exception). Used from
// the system when installed; otherwise the .deb is fetched with `apt-get download` (no root needed)
// and unpacked into <local dir>/fonts. Production images install the package (deploy/Dockerfile).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PACKAGE = 'fonts-wqy-microhei';
export const FONT_FILE = 'wqy-microhei.ttc';
const SYSTEM_PATH = `/usr/share/fonts/truetype/wqy/${FONT_FILE}`;

/** Path of the font, fetching it if needed; null (with a reason) if it cannot be had here. */
export function ensureCjkFont(localDir, log = () => {}) {
  if (fs.existsSync(SYSTEM_PATH)) return { path: SYSTEM_PATH };
  const target = path.join(localDir, 'fonts', FONT_FILE);
  if (fs.existsSync(target)) return { path: target };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'creditbank-font-'));
  try {
    log(`fonts: fetching ${PACKAGE} with apt-get download (first run)…`);
    execFileSync('apt-get', ['download', PACKAGE], { cwd: tmp, stdio: 'pipe' });
    const deb = fs.readdirSync(tmp).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error('apt-get download produced no .deb');
    execFileSync('dpkg-deb', ['-x', path.join(tmp, deb), path.join(tmp, 'x')], { stdio: 'pipe' });
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(tmp, 'x', SYSTEM_PATH), target);
    return { path: target };
  } catch (error) {
    return {
      path: null,
      reason: `could not fetch ${PACKAGE} (${error.message.split('\n')[0]}); install it (apt-get install ${PACKAGE}) or set CERT_FONT_FILE`,
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
