// The page of docs/design.md, "Web page": plain JavaScript against the same HTTP API as curl, no build step.
'use strict';

// The labels in the order of every model and table (docs/design.md, "Emotion labels").
const EMOTIONS = ['Surprise', 'Fear', 'Disgust', 'Happiness', 'Sadness', 'Anger', 'Neutral'];
const KEY_STORAGE = 'fer.functionKey';
const CSV_PAGE_SIZE = 1000; // the results route's largest page

const $ = (id) => document.getElementById(id);
const percent = (p) => `${(p * 100).toFixed(1)}%`;

// ---- The function key: needed in Azure, ignored by fer serve. Never written into links the page makes.

function initKey() {
  const input = $('key');
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('code');
  if (fromUrl) {
    sessionStorage.setItem(KEY_STORAGE, fromUrl);
    url.searchParams.delete('code'); // out of the address bar, so it is not bookmarked or shared
    history.replaceState(null, '', url);
  }
  input.value = sessionStorage.getItem(KEY_STORAGE) || '';
  input.addEventListener('input', () => sessionStorage.setItem(KEY_STORAGE, input.value.trim()));
}

/** Calls the API; an answer other than 2xx becomes an Error whose message is the API's own sentence. */
async function api(path, options = {}) {
  const headers = new Headers(options.headers || {});
  const key = $('key').value.trim();
  if (key) headers.set('x-functions-key', key);
  let response;
  try {
    response = await fetch(`/api/${path}`, { ...options, headers });
  } catch (e) {
    throw new Error(`The server could not be reached (${e.message}). Is it still running?`);
  }
  if (!response.ok) throw new Error(await describeError(response));
  return response;
}

async function describeError(response) {
  let body = null;
  try { body = await response.json(); } catch { /* the Functions host answers some errors without a body */ }
  if (body && body.error) return `${body.error} (${body.code}, HTTP ${response.status})`;
  if (response.status === 401) return 'The function app wants its function key: open "Function key" at the top and paste it there (HTTP 401).';
  return `The server answered HTTP ${response.status} ${response.statusText}.`;
}

function showError(id, message) {
  const element = $(id);
  element.textContent = message || '';
  element.hidden = !message;
}

// ---- The notice: said before the camera starts or a photo is sent, accepted once per browser session.

const NOTICE_STORAGE = 'fer.noticeAccepted';
let afterAccept = null; // what the user asked for while the notice was open

/** Runs the action at once if the notice was accepted in this tab's session, otherwise once it is accepted. */
function afterNotice(action) {
  if (sessionStorage.getItem(NOTICE_STORAGE) === 'yes') {
    action();
    return;
  }
  afterAccept = action;
  $('notice').showModal();
}

function initNotice() {
  const notice = $('notice');
  $('notice-accept').addEventListener('click', () => {
    sessionStorage.setItem(NOTICE_STORAGE, 'yes');
    const action = afterAccept;
    afterAccept = null;
    notice.close();
    if (action) action();
  });
  $('notice-cancel').addEventListener('click', () => notice.close());
  notice.addEventListener('close', () => {
    if (!afterAccept) return;
    afterAccept = null; // cancelled (the button or Escape): nothing is sent, the camera stays off
    $('file').value = '';
    $('photo-status').textContent = 'Nothing was sent.';
  });
}

// ---- Try a photo

let imageUrl = null;
let faces = [];

async function classify(blob, name) {
  showError('photo-error', null);
  const batch = $('save-batch').value.trim();
  $('photo-status').textContent = `Finding the faces in ${name}…`;
  if (imageUrl) URL.revokeObjectURL(imageUrl);
  imageUrl = URL.createObjectURL(blob);
  $('photo-image').src = imageUrl;
  $('photo-image').alt = name;
  $('boxes').replaceChildren();
  $('face-bars').replaceChildren();
  $('face-title').textContent = '';
  $('result').hidden = false;
  try {
    const path = batch ? `classify?batch=${encodeURIComponent(batch)}` : 'classify';
    const response = await api(path, { method: 'POST', body: blob, headers: { 'Content-Type': blob.type || 'application/octet-stream' } });
    showFaces(await response.json(), name);
  } catch (e) {
    $('result').hidden = true;
    $('photo-status').textContent = '';
    showError('photo-error', e.message);
  }
}

function showFaces(answer, name) {
  faces = answer.items.filter((item) => item.box);
  if (answer.uploaded) $('batch-name').value = answer.uploaded.batch;
  const saved = answer.uploaded ? ` Saved as ${answer.uploaded.blobName}: its rows appear in batch "${answer.uploaded.batch}" in a moment.` : '';
  if (faces.length === 0) {
    const item = answer.items[0];
    $('photo-status').textContent = `No face found in ${name}${item && item.error ? ` (${item.error})` : ''}.${saved}`;
    $('face-title').textContent = 'No face';
    return;
  }
  $('photo-status').textContent = `${faces.length} face${faces.length === 1 ? '' : 's'} in ${name}, ${answer.ms} ms.${saved}`;
  $('boxes').replaceChildren(...faces.map(faceBox));
  selectFace(0);
}

/** A box over the image, in percent of its size so that it follows the displayed size. */
function faceBox(item, index) {
  const box = document.createElement('button');
  box.type = 'button';
  box.className = 'box';
  box.dataset.index = index;
  box.style.left = `${(100 * item.box.x) / item.width}%`;
  box.style.top = `${(100 * item.box.y) / item.height}%`;
  box.style.width = `${(100 * item.box.width) / item.width}%`;
  box.style.height = `${(100 * item.box.height) / item.height}%`;
  const label = item.emotion ? `${item.emotion} ${percent(item.confidence)}${item.uncertain ? ', uncertain' : ''}` : item.status;
  box.setAttribute('aria-label', `Face ${index + 1}: ${label}`);
  const tag = document.createElement('span');
  tag.className = 'tag';
  tag.textContent = item.emotion ? `${item.emotion}${item.uncertain ? '?' : ''}` : item.status;
  if (item.uncertain) box.classList.add('uncertain');
  box.append(tag);
  box.addEventListener('click', () => selectFace(index));
  return box;
}

function selectFace(index) {
  const item = faces[index];
  for (const box of $('boxes').children) box.setAttribute('aria-pressed', String(Number(box.dataset.index) === index));
  $('face-title').textContent = `Face ${index + 1} of ${faces.length}: ${item.emotion ? `looks like ${item.emotion}, ${percent(item.confidence)}${item.uncertain ? ' (uncertain: the model is not sure)' : ''}` : item.status}`;
  $('face-bars').replaceChildren(...EMOTIONS.map((emotion) => bar(emotion, item.scores ? item.scores[emotion] : 0, 1, percent)));
}

/** A labelled bar: the label, a bar of value/max and the value in words. */
function bar(label, value, max, format) {
  const li = document.createElement('li');
  li.dataset.emotion = label;
  const name = document.createElement('span');
  name.className = 'bar-label';
  name.textContent = label;
  const track = document.createElement('span');
  track.className = 'bar-track';
  const fill = document.createElement('span');
  fill.className = 'bar-fill';
  fill.style.width = `${max > 0 ? (100 * value) / max : 0}%`;
  track.append(fill);
  const text = document.createElement('span');
  text.className = 'bar-value';
  text.textContent = format(value);
  li.append(name, track, text);
  return li;
}

function initPhoto() {
  $('file').addEventListener('change', (e) => {
    const file = e.target.files[0];
    if (file) afterNotice(() => classify(file, file.name));
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const file = e.dataTransfer.files[0];
    if (file) afterNotice(() => classify(file, file.name));
  });
  initCamera();
}

// ---- The camera: opened only when the button is pressed, stopped by the other button.

let stream = null;

function initCamera() {
  $('camera-start').addEventListener('click', () => afterNotice(startCamera));
  $('snap').addEventListener('click', () => {
    const video = $('video');
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d').drawImage(video, 0, 0);
    canvas.toBlob((blob) => classify(blob, 'the camera snapshot'), 'image/jpeg', 0.92);
  });
  $('camera-stop').addEventListener('click', () => {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    $('camera').hidden = true;
    $('camera-start').focus();
  });
}

async function startCamera() {
  showError('photo-error', null);
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    showError('photo-error', 'This browser offers no camera to this page (browsers allow it only over https or on localhost).');
    return;
  }
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user' }, audio: false });
  } catch (e) {
    showError('photo-error', `The camera could not be opened: ${e.message}`);
    return;
  }
  $('video').srcObject = stream;
  $('camera').hidden = false;
  await $('video').play();
  $('snap').focus();
}

// ---- Browse a batch

const view = { batch: '', emotion: '', status: '', pageSize: 25, tokens: [null], page: 0 };
let images = new Map(); // blobName -> Promise<ImageBitmap>, for this batch's thumbnails

/** A page of the batch's rows; the token goes in a header, never the URL: it leads to a file name, and hosts log URLs. */
async function resultsPage(pageSize, token) {
  const query = new URLSearchParams({ pageSize: String(pageSize) });
  if (view.emotion) query.set('emotion', view.emotion);
  if (view.status) query.set('status', view.status);
  const headers = token ? { 'x-fer-continuation': token } : {};
  return (await api(`batches/${encodeURIComponent(view.batch)}/results?${query}`, { headers })).json();
}

async function showBatch() {
  showError('batch-error', null);
  for (const bitmap of images.values()) bitmap.then((b) => b.close(), () => {});
  images = new Map();
  Object.assign(view, {
    batch: $('batch-name').value.trim(),
    emotion: $('filter-emotion').value,
    status: $('filter-status').value,
    pageSize: Number($('page-size').value) || 25,
    tokens: [null],
    page: 0,
  });
  $('batch-status').textContent = `Reading batch "${view.batch}"…`;
  try {
    const summary = await (await api(`batches/${encodeURIComponent(view.batch)}/summary`)).json();
    showSummary(summary);
    await showPage();
    $('batch-view').hidden = false;
  } catch (e) {
    $('batch-view').hidden = true;
    $('batch-status').textContent = '';
    showError('batch-error', e.message);
  }
}

function showSummary(summary) {
  const counts = [
    ['Images', summary.images],
    ['Faces', summary.faces],
    ['Rows', summary.total],
    ...Object.entries(summary.byStatus).map(([status, count]) => [status[0].toUpperCase() + status.slice(1), count]),
    ['Mean confidence', summary.meanConfidence == null ? '–' : percent(summary.meanConfidence)],
  ];
  $('summary-counts').replaceChildren(...counts.flatMap(([name, value]) => {
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.textContent = value;
    return [dt, dd];
  }));
  const max = Math.max(0, ...EMOTIONS.map((e) => summary.byEmotion[e] || 0));
  $('summary-chart').replaceChildren(...EMOTIONS.map((e) => bar(e, summary.byEmotion[e] || 0, max, String)));
}

async function showPage() {
  const page = await resultsPage(view.pageSize, view.tokens[view.page]);
  view.tokens[view.page + 1] = page.continuationToken;
  $('rows').tBodies[0].replaceChildren(...page.items.map(row));
  const filters = [view.emotion, view.status].filter(Boolean).join(', ');
  $('rows-caption').textContent = `Rows of batch "${view.batch}"${filters ? ` (${filters})` : ''}, page ${view.page + 1}`;
  $('page-label').textContent = `Page ${view.page + 1}`;
  $('page-previous').disabled = view.page === 0;
  $('page-next').disabled = !page.continuationToken;
  $('batch-status').textContent = page.items.length === 0 ? 'No rows on this page.' : `${page.items.length} rows on page ${view.page + 1}.`;
}

function row(item) {
  const tr = document.createElement('tr');
  const thumbnailCell = document.createElement('td');
  if (item.box) thumbnailCell.append(thumbnail(item));
  else thumbnailCell.textContent = '–';
  const inBatch = item.blobName.startsWith(`${view.batch}/`) ? item.blobName.slice(view.batch.length + 1) : item.blobName;
  const cells = [
    inBatch,
    item.face == null ? '–' : `${item.face + 1} of ${item.faceCount}`,
    item.emotion || '–',
    item.confidence == null ? '–' : `${percent(item.confidence)}${item.uncertain ? ' uncertain' : ''}`,
    item.errorCode ? `${item.status}: ${item.errorCode}` : item.status,
  ].map((text) => {
    const td = document.createElement('td');
    td.textContent = text;
    return td;
  });
  if (item.error) cells[4].title = item.error;
  tr.append(thumbnailCell, ...cells);
  return tr;
}

/**
 * The face cut from its image, fetched once per image with the key in a header and the blob name in a POST body:
 * names are people's file names, and URLs end up in request logs and telemetry.
 */
function thumbnail(item) {
  const img = document.createElement('img');
  img.className = 'thumb';
  img.alt = `Face ${item.face + 1} of ${item.blobName}`;
  img.width = 56;
  img.height = 56;
  if (!images.has(item.blobName)) {
    const request = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ blob: item.blobName }) };
    images.set(item.blobName, api(`batches/${encodeURIComponent(view.batch)}/image`, request).then((r) => r.blob()).then((b) => createImageBitmap(b)));
  }
  images.get(item.blobName).then((bitmap) => {
    const { x, y, width, height } = item.box;
    const side = Math.max(width, height);
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 112; // twice the displayed size, for sharp phones
    canvas.getContext('2d').drawImage(bitmap, x + (width - side) / 2, y + (height - side) / 2, side, side, 0, 0, 112, 112);
    img.src = canvas.toDataURL('image/jpeg', 0.85);
  }, (e) => {
    img.alt = `No thumbnail: ${e.message}`;
    img.title = e.message;
  });
  return img;
}

let turning = false; // one page load at a time, so that quick clicks cannot skip past a token not yet known

async function turnPage(step) {
  const from = view.page;
  if (turning || from + step < 0 || (step > 0 && !view.tokens[from + step])) return;
  turning = true;
  showError('batch-error', null);
  view.page = from + step;
  try {
    await showPage();
  } catch (e) {
    view.page = from;
    showError('batch-error', e.message);
  } finally {
    turning = false;
  }
}

// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. A text that a spreadsheet would
// run as a formula (names and errors come from uploads: =HYPERLINK(...)) gets a leading ' and stays text; numbers,
// negative ones included, are left as they are.
const csvField = (value) => {
  let text = value == null ? '' : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** The CSV is made here from the results route's pages, so that it has exactly the rows and filters of the table. */
async function downloadCsv() {
  showError('batch-error', null);
  $('batch-status').textContent = `Reading every row of batch "${view.batch}" for the CSV…`;
  const columns = ['blobName', 'face', 'faceCount', 'status', 'emotion', 'confidence', 'uncertain', ...EMOTIONS, 'boxX', 'boxY', 'boxWidth', 'boxHeight',
    'detectionScore', 'faceSource', 'alignedDegrees', 'width', 'height', 'modelVersion', 'errorCode', 'error', 'processedAt', 'durationMs'];
  const lines = [columns.join(',')];
  try {
    let token = null;
    do {
      const page = await resultsPage(CSV_PAGE_SIZE, token);
      for (const item of page.items) {
        const box = item.box || {};
        const values = [item.blobName, item.face, item.faceCount, item.status, item.emotion, item.confidence, item.uncertain,
          ...EMOTIONS.map((e) => (item.scores ? item.scores[e] : null)), box.x, box.y, box.width, box.height,
          item.detectionScore, item.faceSource, item.alignedDegrees, item.width, item.height, item.modelVersion,
          item.errorCode, item.error, item.processedAt, item.durationMs];
        lines.push(values.map(csvField).join(','));
      }
      token = page.continuationToken;
    } while (token);
  } catch (e) {
    $('batch-status').textContent = '';
    showError('batch-error', e.message);
    return;
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([`${lines.join('\r\n')}\r\n`], { type: 'text/csv' }));
  link.download = `${view.batch}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  $('batch-status').textContent = `Downloaded ${view.batch}.csv: ${lines.length - 1} rows.`;
}

function initBatch() {
  $('filter-emotion').append(...EMOTIONS.map((e) => new Option(e, e)));
  $('batch-form').addEventListener('submit', (e) => {
    e.preventDefault();
    showBatch();
  });
  $('page-previous').addEventListener('click', () => turnPage(-1));
  $('page-next').addEventListener('click', () => turnPage(1));
  $('csv').addEventListener('click', downloadCsv);
}

initKey();
initNotice();
initPhoto();
initBatch();
