import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { Certificate } from '../domain/certificate';

const TYPE_LABEL: Record<string, string> = { ACADEMIC: '学历教育', VOCATIONAL: '职业培训', NON_ACADEMIC: '非学历教育' };

/**
 * The printable certificate: A4 PDF with Chinese text (a font with CJK and Latin glyphs from Debian's
 * fonts-wqy-microhei, CERT_FONT_FILE / CERT_FONT_FACE) and a QR code to the public verification page.
 */
export async function renderCertificatePdf(
  cert: Certificate,
  options: { fontFile: string; fontFace?: string; verifyUrl: string; issuerName: string; institutionNames?: Map<string, string> },
): Promise<Buffer> {
  if (!existsSync(options.fontFile)) throw new Error(`certificate font not found at ${options.fontFile}`);
  const url = `${options.verifyUrl}${options.verifyUrl.includes('?') ? '&' : '?'}code=${encodeURIComponent(cert.code)}`;
  const qr = await QRCode.toBuffer(url, { errorCorrectionLevel: 'M', margin: 1, width: 240 });
  const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: '学习成果证明', Author: options.issuerName, Subject: cert.code } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  // A collection (.ttc) needs the face's PostScript name.
  if (options.fontFile.endsWith('.ttc')) doc.registerFont('cjk', options.fontFile, options.fontFace ?? 'WenQuanYiMicroHei');
  else doc.registerFont('cjk', options.fontFile);
  doc.font('cjk');

  doc.fontSize(24).text('学习成果证明', { align: 'center' });
  doc.moveDown(0.3).fontSize(11).fillColor('#555').text('Learning Outcome Certificate', { align: 'center' });
  doc.moveDown(1.2).fillColor('#000').fontSize(12);
  doc.text(`学习者：${cert.learnerNameMasked ?? '—'}    学习账号：${cert.accountNo.slice(0, 4)}****${cert.accountNo.slice(-4)}`);
  doc.text(`出具日期：${cert.issuedAt.toISOString().slice(0, 10)}    出具机构：${options.issuerName}`);
  doc.moveDown(0.8).fontSize(11).text('兹证明该学习者的以下学习成果已存入终身学习账户并经认定：');
  doc.moveDown(0.6);
  const total = cert.outcomes.reduce((s, o) => s + (o.recognizedCredits ?? 0), 0);
  cert.outcomes.forEach((o, i) => {
    const inst = o.institutionCode ? (options.institutionNames?.get(o.institutionCode) ?? o.institutionCode) : '—';
    doc
      .fontSize(10.5)
      .text(
        `${i + 1}. ${o.title}（${TYPE_LABEL[o.type] ?? o.type}，${o.achievedAt.slice(0, 10)}）  认定学分：${o.recognizedCredits ?? '—'}`,
        { continued: false },
      )
      .fillColor('#555')
      .text(`    目录编码 ${o.catalogItemCode}${o.catalogItemVersion ? ` v${o.catalogItemVersion}` : ''} · 机构 ${inst}`)
      .fillColor('#000');
  });
  doc
    .moveDown(0.6)
    .fontSize(11)
    .text(`合计认定学分：${Math.round(total * 100) / 100}`);
  doc.moveDown(1.2);
  const y = doc.y;
  doc.image(qr, doc.page.margins.left, y, { width: 110 });
  doc
    .fontSize(10)
    .text(`验证码：${cert.code}`, doc.page.margins.left + 130, y + 20)
    .text('扫码或在学分银行网站输入验证码核验真伪；', doc.page.margins.left + 130, y + 40)
    .text('亦可用公布的公钥离线验证电子证书（JWT）。', doc.page.margins.left + 130, y + 56);
  doc.end();
  return done;
}
