// A CJK font for printable outcome certificates (PDF with Chinese text), from Debian's packages:
// fonts-droid-fallback's DroidSansFallbackFull.ttf (Apache-2.0). Used from the system when installed;
// otherwise the .deb is fetched with `apt-get download` (no root needed) and unpacked into
// <local dir>/fonts. Production images install the package instead (deploy/Dockerfile).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const FONT_FILE = 'DroidSansFallbackFull.ttf';
const SYSTEM_PATH = `/usr/share/fonts/truetype/droid/${FONT_FILE}`;

/** Path of the font, fetching it if needed; null (with a reason) if it cannot be had here. */
export function ensureCjkFont(localDir, log = () => {}) {
  if (fs.existsSync(SYSTEM_PATH)) return { path: SYSTEM_PATH };
  const target = path.join(localDir, 'fonts', FONT_FILE);
  if (fs.existsSync(target)) return { path: target };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'creditbank-font-'));
  try {
    log('fonts: fetching fonts-droid-fallback with apt-get download (first run)…');
    execFileSync('apt-get', ['download', 'fonts-droid-fallback'], { cwd: tmp, stdio: 'pipe' });
    const deb = fs.readdirSync(tmp).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error('apt-get download produced no .deb');
    execFileSync('dpkg-deb', ['-x', path.join(tmp, deb), path.join(tmp, 'x')], { stdio: 'pipe' });
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(tmp, 'x', SYSTEM_PATH), target);
    return { path: target };
  } catch (error) {
    return {
      path: null,
      reason: `could not fetch fonts-droid-fallback (${error.message.split('\n')[0]}); install it (apt-get install fonts-droid-fallback) or set CERT_FONT_FILE`,
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
