// Unit tests of the message handling (src/handler.ts) against a fake notebook, no browser:
// `jlpm test` compiles them with tsc and runs them with Node's test runner.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import {
  CellLike, NotebookLike, handleMessage, renderLabel, sectionOf, sectionsToRender
} from '../src/handler';
import { CellSpec, WIDGET_VIEW, hasStatic, parseIncoming } from '../src/protocol';
import { VERSION } from '../src/version';

const ME = 'client-of-this-tab';

class FakeNotebook implements NotebookLike {
  cellList: CellLike[];
  transactions = 0;
  private next = 0;
  constructor(cells: Array<Partial<CellLike>>) {
    this.cellList = cells.map(c => ({ id: c.id ?? this.newId(), source: c.source ?? '', metadata: c.metadata ?? {} }));
  }
  newId(): string {
    return `new-${++this.next}`;
  }
  cells(): CellLike[] {
    return this.cellList.map(c => ({ ...c }));
  }
  insertCells(index: number, cells: CellSpec[]): string[] {
    const made = cells.map(c => ({ id: this.newId(), source: c.source, metadata: JSON.parse(JSON.stringify(c.metadata)),
      outputs: c.outputs ?? [] }));
    this.cellList.splice(index, 0, ...made);
    return made.map(c => c.id);
  }
  deleteCells(index: number, count: number): void {
    this.cellList.splice(index, count);
  }
  setSource(index: number, source: string): void {
    this.cellList[index].source = source;
  }
  ran: string[] = [];  // the sources of the cells run, in order
  run(index: number): void {
    this.ran.push(this.cellList[index].source);
  }
  transact(fn: () => void): void {
    this.transactions++;
    fn();
  }
  sources(): string[] {
    return this.cellList.map(c => c.source);
  }
}

const meta = (lecture: string, section: string) => ({ code2video: { lecture, section } });
const section = (lecture: string, id: string, code = `class S${id}: pass\n`): CellSpec => ({
  source: `%%c2v_section ${lecture}/${id}\n${code}`, metadata: meta(lecture, id)
});
const insert = (cells: CellSpec[], extra: object = {}) => ({
  op: 'insert_cells', request_id: 'r1', client: ME, after_cell_id: 'magic', cells, ...extra
});
const replace = (extra: object = {}) => ({
  op: 'replace_source', request_id: 'r2', client: ME, lecture: 'eig', section: '2',
  source: section('eig', '2', 'fixed\n').source, expected_source: section('eig', '2').source, ...extra
});
const magicNotebook = () => new FakeNotebook([
  { id: 'load', source: '%load_ext code2video_nb' },
  { id: 'magic', source: '%%code2video --replay demo\nEigenvectors' },
  { id: 'mine', source: 'print("my own cell")' }
]);

describe('hello', () => {
  it('answers ready with the version when it is for this tab', () => {
    assert.deepEqual(handleMessage(magicNotebook(), { op: 'hello', protocol: 1, client: ME }, ME, VERSION),
      { op: 'ready', version: VERSION });
  });
  it('leaves another tab\'s hello unanswered; answers one without a client (older kernel)', () => {
    assert.equal(handleMessage(magicNotebook(), { op: 'hello', protocol: 1, client: 'another-tab' }, ME, VERSION), null);
    assert.deepEqual(handleMessage(magicNotebook(), { op: 'hello', protocol: 1 }, ME, VERSION),
      { op: 'ready', version: VERSION });
  });
  it('the version sent is package.json\'s', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf-8'));
    assert.equal(VERSION, pkg.version);
  });
});

describe('insert_cells', () => {
  it('gives each new cell the outputs the kernel sent (its preview), and drops outputs that are not objects', () => {
    const nb = magicNotebook();
    const preview = { output_type: 'display_data', data: { 'text/html': '<video></video>', 'text/plain': 'video' }, metadata: {} };
    const cells = [{ ...section('eig', '1'), outputs: [preview, 'junk', null] }, section('eig', '2')];
    const reply = handleMessage(nb, insert(cells), ME, VERSION);
    assert.equal(reply?.op, 'ok');
    assert.equal((reply as any).replaced, 0);
    assert.deepEqual((nb.cellList[2] as any).outputs, [preview]);
    assert.deepEqual((nb.cellList[3] as any).outputs, []);
  });

  it('inserts the cells in order right below the magic\'s cell, with their metadata, and returns their ids', () => {
    const nb = magicNotebook();
    const cells = ['1', '2', '3'].map(id => section('eig', id));
    const reply = handleMessage(nb, insert(cells), ME, VERSION);
    assert.equal(reply?.op, 'ok');
    assert.equal((reply as any).request_id, 'r1');
    assert.deepEqual(nb.cellList.slice(2, 5).map(c => c.id), (reply as any).cell_ids);
    assert.deepEqual(nb.sources(), [nb.sources()[0], nb.sources()[1], ...cells.map(c => c.source), 'print("my own cell")']);
    assert.deepEqual(nb.cellList[3].metadata, meta('eig', '2'));
    assert.equal(nb.transactions, 1);
  });

  it('replaces the cells of an earlier run of the same lecture instead of adding more', () => {
    const nb = magicNotebook();
    handleMessage(nb, insert(['1', '2', '3'].map(id => section('eig', id))), ME, VERSION);
    const again = ['1', '2', '3', '4'].map(id => section('eig', id, `v2 ${id}\n`));
    const reply = handleMessage(nb, insert(again, { request_id: 'r9' }), ME, VERSION);
    assert.equal(reply?.op, 'ok');
    assert.equal((reply as any).replaced, 3);  // the kernel says "Replaced", not "Inserted"
    assert.equal(nb.cellList.length, 3 + 4);
    assert.deepEqual(nb.sources().slice(2, 6), again.map(c => c.source));
    assert.equal(nb.sources()[6], 'print("my own cell")');
  });

  it('also replaces an earlier run\'s cells that came without metadata (set_next_input)', () => {
    const nb = magicNotebook();
    nb.cellList.splice(2, 0, { id: 'chained', source: section('eig', '1').source, metadata: {} });
    handleMessage(nb, insert([section('eig', '1', 'new\n')]), ME, VERSION);
    assert.deepEqual(nb.cellList.map(c => c.id).filter(id => id === 'chained'), []);
    assert.equal(nb.cellList.length, 4);
  });

  it('leaves another lecture\'s cells and the user\'s cells alone', () => {
    const nb = magicNotebook();
    nb.cellList.splice(2, 0, { id: 'other', ...section('other-lecture', '1') });
    nb.cellList.push({ id: 'moved', ...section('eig', '1') });  // eig's cell, but not right below the magic
    handleMessage(nb, insert([section('eig', '1'), section('eig', '2')]), ME, VERSION);
    assert.deepEqual(nb.cellList.map(c => c.id), ['load', 'magic', 'new-1', 'new-2', 'other', 'mine', 'moved']);
  });

  it('a magic cell that is gone is an error, and nothing is inserted', () => {
    const nb = magicNotebook();
    const reply = handleMessage(nb, insert([section('eig', '1')], { after_cell_id: 'deleted' }), ME, VERSION);
    assert.equal(reply?.op, 'error');
    assert.match((reply as any).message, /no longer in this notebook/);
    assert.equal(nb.cellList.length, 3);
  });

  it('is ignored, unanswered, by a tab whose client is not the request\'s', () => {
    const nb = magicNotebook();
    assert.equal(handleMessage(nb, insert([section('eig', '1')], { client: 'another-tab' }), ME, VERSION), null);
    assert.equal(nb.cellList.length, 3);
  });

  it('a request without a client is handled (no tab to prefer)', () => {
    const nb = magicNotebook();
    assert.equal(handleMessage(nb, insert([section('eig', '1')], { client: null }), ME, VERSION)?.op, 'ok');
  });
});

describe('replace_source', () => {
  const withSections = () => {
    const nb = magicNotebook();
    handleMessage(nb, insert(['1', '2', '3'].map(id => section('eig', id))), ME, VERSION);
    return nb;
  };

  it('replaces the section cell found by its metadata when it holds the expected source', () => {
    const nb = withSections();
    const reply = handleMessage(nb, replace(), ME, VERSION);
    assert.deepEqual(reply, { op: 'ok', request_id: 'r2' });
    assert.equal(nb.cellList[3].source, section('eig', '2', 'fixed\n').source);
    assert.equal(nb.cellList[2].source, section('eig', '1').source);
  });

  it('answers conflict and keeps the user\'s edit', () => {
    const nb = withSections();
    nb.cellList[3].source = section('eig', '2', 'my edit\n').source;
    const reply = handleMessage(nb, replace(), ME, VERSION);
    assert.equal(reply?.op, 'conflict');
    assert.equal((reply as any).request_id, 'r2');
    assert.equal(nb.cellList[3].source, section('eig', '2', 'my edit\n').source);
    assert.equal((reply as any).current_source, section('eig', '2', 'my edit\n').source);  // to offer both
    assert.deepEqual(nb.ran, []);
  });

  it('with run, runs the cell once it holds the new source; never a cell it left as it was', () => {
    const nb = withSections();
    assert.equal(handleMessage(nb, replace({ run: true }), ME, VERSION)?.op, 'ok');
    assert.deepEqual(nb.ran, [section('eig', '2', 'fixed\n').source]);
    assert.equal(handleMessage(nb, replace({ run: true }), ME, VERSION)?.op, 'conflict');  // holds 'fixed' now
    assert.equal(nb.ran.length, 1);
    handleMessage(nb, replace({ source: section('eig', '2', 'again\n').source, expected_source: section('eig', '2', 'fixed\n').source }), ME, VERSION);
    assert.equal(nb.ran.length, 1);  // without run: only the source
  });

  it('takes a cell without its last newline for the text that ran (IPython adds one)', () => {
    const nb = withSections();
    nb.cellList[3].source = nb.cellList[3].source.replace(/\n+$/, '');
    assert.equal(handleMessage(nb, replace(), ME, VERSION)?.op, 'ok');
    assert.equal(nb.cellList[3].source, section('eig', '2', 'fixed\n').source);
  });

  it('finds a section cell by its magic line when it has no metadata', () => {
    const nb = magicNotebook();
    nb.cellList.push({ id: 'plain', source: section('eig', '2').source, metadata: {} });
    assert.equal(handleMessage(nb, replace(), ME, VERSION)?.op, 'ok');
    assert.equal(nb.cellList[3].source, section('eig', '2', 'fixed\n').source);
  });

  it('with a copy of the cell, changes the one that still holds what ran', () => {
    const nb = withSections();
    nb.cellList[3].source = section('eig', '2', 'edited copy\n').source;
    nb.cellList.push({ id: 'copy', ...section('eig', '2') });
    assert.equal(handleMessage(nb, replace(), ME, VERSION)?.op, 'ok');
    assert.equal(nb.cellList[3].source, section('eig', '2', 'edited copy\n').source);
    assert.equal(nb.cellList[nb.cellList.length - 1].source, section('eig', '2', 'fixed\n').source);
  });

  it('no cell of that section is an error', () => {
    const reply = handleMessage(magicNotebook(), replace(), ME, VERSION);
    assert.equal(reply?.op, 'error');
    assert.match((reply as any).message, /no cell of section 2 of eig/);
  });

  it('is ignored by another tab', () => {
    const nb = withSections();
    assert.equal(handleMessage(nb, replace({ client: 'another-tab' }), ME, VERSION), null);
    assert.equal(nb.cellList[3].source, section('eig', '2').source);
  });
});

describe('malformed messages', () => {
  it('a request with an id but a bad shape is answered error', () => {
    const reply = handleMessage(magicNotebook(), { op: 'insert_cells', request_id: 'r5', client: ME, cells: 'x' }, ME, VERSION);
    assert.equal(reply?.op, 'error');
    assert.equal((reply as any).request_id, 'r5');
  });
  it('an unknown op with an id is answered error; without an id nothing is sent', () => {
    assert.equal(handleMessage(magicNotebook(), { op: 'explode', request_id: 'r6' }, ME, VERSION)?.op, 'error');
    assert.equal(handleMessage(magicNotebook(), { op: 'explode' }, ME, VERSION), null);
    assert.equal(handleMessage(magicNotebook(), 'not an object', ME, VERSION), null);
  });
  it('a notebook that is not loaded is an error', () => {
    assert.equal(handleMessage(null, replace(), ME, VERSION)?.op, 'error');
  });
  it('a failure inside the notebook is answered error with its message', () => {
    const nb = magicNotebook();
    nb.insertCells = () => { throw new Error('model is read-only'); };
    const reply = handleMessage(nb, insert([section('eig', '1')]), ME, VERSION);
    assert.deepEqual(reply, { op: 'error', request_id: 'r1', message: 'model is read-only' });
  });
  it('parses the kernel\'s messages as bridge.py sends them', () => {
    const parsed = parseIncoming({ op: 'insert_cells', request_id: 'a', client: 's', after_cell_id: 'c',
      cells: [{ source: 'x', metadata: meta('eig', '1') }] });
    assert.deepEqual(parsed, { op: 'insert_cells', request_id: 'a', client: 's', after_cell_id: 'c',
      cells: [{ source: 'x', metadata: meta('eig', '1'), outputs: [] }] });
  });
});

describe('render all', () => {
  const cells = (): CellLike[] => [
    { id: 'a', source: '%%code2video x', metadata: {} },
    { id: 'b', ...section('eig', '1') }, { id: 'c', ...section('other', '1') },
    { id: 'd', ...section('eig', '2') }, { id: 'e', source: '%%c2v_section eig/3\ncode', metadata: {} }
  ];
  it('runs the active cell\'s lecture, in notebook order', () => {
    assert.deepEqual(sectionsToRender(cells(), 2), { lecture: 'other', indices: [2] });
    assert.deepEqual(sectionsToRender(cells(), 3), { lecture: 'eig', indices: [1, 3, 4] });
  });
  it('else the first lecture; none without section cells', () => {
    assert.deepEqual(sectionsToRender(cells(), 0), { lecture: 'eig', indices: [1, 3, 4] });
    assert.equal(sectionsToRender([{ id: 'x', source: 'print(1)', metadata: {} }], 0), null);
  });
  it('labels its progress', () => {
    assert.equal(renderLabel(1, 3, true), 'Rendering 2/3…');
    assert.equal(renderLabel(3, 3, false), 'Render all sections');
  });
  it('reads a section from its magic line', () => {
    assert.deepEqual(sectionOf({ id: 'x', source: '%%c2v_section my-lecture/2\n', metadata: {} }),
      { lecture: 'my-lecture', section: '2' });
    assert.equal(sectionOf({ id: 'x', source: '%%c2v_section nolecture\n', metadata: {} }), null);
  });
});

describe('outputs that outlive the kernel', () => {
  const view = { version_major: 2, version_minor: 0, model_id: 'abc' };
  it('knows a widget bundle that carries a static rendering (as lasting.py displays it)', () => {
    assert.equal(hasStatic({ [WIDGET_VIEW]: view, 'text/html': '<div class="c2v-static">card</div>' }), true);
    assert.equal(hasStatic({ [WIDGET_VIEW]: view, 'text/html': ['<div class="c2v-', 'static">card</div>'] }), true);
  });
  it('leaves any other widget, and HTML without a widget, alone', () => {
    assert.equal(hasStatic({ [WIDGET_VIEW]: view, 'text/plain': 'Button()' }), false);
    assert.equal(hasStatic({ [WIDGET_VIEW]: view, 'text/html': '<p>Failed to display Jupyter Widget</p>' }), false);
    assert.equal(hasStatic({ 'text/html': '<div class="c2v-static">card</div>' }), false);
  });
});
