/**
 * Builds the VS Code extension of editors/vscode into a .vsix (`npm run vsix [-- -o FILE]`): the extension is
 * bundled with vscode-languageclient by esbuild into one file, and the package is written as the zip VS Code
 * installs (`code --install-extension sgm-0.1.0.vsix`): [Content_Types].xml, extension.vsixmanifest and the
 * extension under extension/, the layout @vscode/vsce writes. sgm writes the zip itself (store or deflate, CRC-32)
 * rather than depend on @vscode/vsce, whose current line needs Node 22 and whose tree is large.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { build } from 'esbuild';
import { packageRoot } from '../runtime/package-root.js';

const root = packageRoot();
const ext = join(root, 'editors/vscode');

/** CRC-32 (IEEE), as zip needs it. */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip archive of the given files (deflated when that is smaller), with a fixed timestamp: the same input gives the same bytes. */
export function zip(files: ReadonlyArray<{ path: string; data: Uint8Array }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  const DOS_TIME = 0; // 00:00:00
  const DOS_DATE = (2026 - 1980) << 9 | 1 << 5 | 1; // 2026-01-01
  for (const f of files) {
    const name = Buffer.from(f.path, 'utf8');
    const deflated = deflateRawSync(f.data, { level: 9 });
    const method = deflated.length < f.data.length ? 8 : 0;
    const body = method === 8 ? deflated : Buffer.from(f.data);
    const crc = crc32(f.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(f.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Manifest {
  name: string;
  displayName: string;
  description: string;
  version: string;
  publisher: string;
  engines: { vscode: string };
  categories: string[];
  keywords: string[];
}

function vsixManifest(m: Manifest): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<PackageManifest Version="2.0.0" xmlns="http://schemas.microsoft.com/developer/vsx-schema/2011" xmlns:d="http://schemas.microsoft.com/developer/vsx-schema-design/2011">
  <Metadata>
    <Identity Language="en-US" Id="${xml(m.name)}" Version="${xml(m.version)}" Publisher="${xml(m.publisher)}" />
    <DisplayName>${xml(m.displayName)}</DisplayName>
    <Description xml:space="preserve">${xml(m.description)}</Description>
    <Tags>${xml(m.keywords.join(','))}</Tags>
    <Categories>${xml(m.categories.join(','))}</Categories>
    <GalleryFlags>Public</GalleryFlags>
    <Properties>
      <Property Id="Microsoft.VisualStudio.Code.Engine" Value="${xml(m.engines.vscode)}" />
      <Property Id="Microsoft.VisualStudio.Code.ExtensionDependencies" Value="" />
      <Property Id="Microsoft.VisualStudio.Code.ExtensionPack" Value="" />
      <Property Id="Microsoft.VisualStudio.Code.ExtensionKind" Value="workspace" />
      <Property Id="Microsoft.VisualStudio.Code.LocalizedLanguages" Value="" />
      <Property Id="Microsoft.VisualStudio.Services.GitHubFlavoredMarkdown" Value="true" />
    </Properties>
  </Metadata>
  <Installation>
    <InstallationTarget Id="Microsoft.VisualStudio.Code" />
  </Installation>
  <Dependencies />
  <Assets>
    <Asset Type="Microsoft.VisualStudio.Code.Manifest" Path="extension/package.json" Addressable="true" />
    <Asset Type="Microsoft.VisualStudio.Services.Content.Details" Path="extension/README.md" Addressable="true" />
  </Assets>
</PackageManifest>
`;
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension=".json" ContentType="application/json" />
  <Default Extension=".js" ContentType="application/javascript" />
  <Default Extension=".md" ContentType="text/markdown" />
  <Default Extension=".txt" ContentType="text/plain" />
  <Default Extension=".vsixmanifest" ContentType="text/xml" />
</Types>
`;

/** Builds the .vsix at `out` (default editors/vscode/sgm-<version>.vsix); returns its path and size. */
export async function buildVsix(out?: string): Promise<{ path: string; bytes: number; files: string[] }> {
  const manifest = JSON.parse(readFileSync(join(ext, 'package.json'), 'utf8')) as Manifest;
  const bundle = await build({
    entryPoints: [join(ext, 'src/extension.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['vscode'],
    minify: true,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const text = (p: string): Uint8Array => readFileSync(join(ext, p));
  const files = [
    { path: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) },
    { path: 'extension.vsixmanifest', data: Buffer.from(vsixManifest(manifest)) },
    { path: 'extension/package.json', data: text('package.json') },
    { path: 'extension/README.md', data: text('README.md') },
    { path: 'extension/LICENSE.txt', data: Buffer.from('MIT License; see the sgm package.\n') },
    { path: 'extension/language-configuration.json', data: text('language-configuration.json') },
    { path: 'extension/syntaxes/sgm.tmLanguage.json', data: text('syntaxes/sgm.tmLanguage.json') },
    { path: 'extension/dist/extension.js', data: bundle.outputFiles[0].contents },
  ];
  const path = resolve(out ?? join(ext, `${manifest.name}-${manifest.version}.vsix`));
  const data = zip(files);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
  return { path, bytes: data.length, files: files.map((f) => f.path) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('-o');
  const r = await buildVsix(i > 0 ? process.argv[i + 1] : undefined);
  console.log(`${r.path}: ${(r.bytes / 1024).toFixed(1)} KiB, ${r.files.length} files`);
}
