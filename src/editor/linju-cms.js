// linju's additions to Decap CMS, loaded after decap-cms.js by both
// editors (`linju serve`'s /admin/ and the one `linju cms` writes).
//
// A photo in the text, with Chinese labels and a description for readers
// who cannot see it, in place of Decap's English "Image" component; the
// markdown widget offers only this one (`editor_components: [photo]`).
(function () {
  if (!window.CMS) return;
  window.CMS.registerEditorComponent({
    id: 'photo',
    label: '照片',
    fields: [
      { name: 'image', label: '照片', widget: 'image', choose_url: false },
      { name: 'alt', label: '照片说明', widget: 'string', required: false,
        hint: '写一句照片里有什么，读屏软件会念给看不见的居民听' },
    ],
    pattern: /^!\[([^\]]*)\]\(([^)\s]*)\)$/,
    fromBlock: function (match) {
      return { alt: match[1], image: match[2] };
    },
    toBlock: function (data) {
      var alt = String(data.alt || '').replace(/[\[\]]/g, '');
      return '![' + alt + '](' + (data.image || '') + ')';
    },
    toPreview: function (data, getAsset) {
      var src = data.image ? getAsset(data.image).toString() : '';
      var img = document.createElement('img');
      img.src = src;
      img.alt = data.alt || '';
      img.style.maxWidth = '100%';
      return img.outerHTML;
    },
  });
}());

// The preview beside the form: the site's reading measure and large type,
// photos within the column (Decap's default shows them at full size).
(function () {
  if (!window.CMS) return;
  window.CMS.registerPreviewStyle(
    'body{font:19px/1.8 "Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;color:#1f2328;margin:1.2em;max-width:38em}' +
      'img{max-width:100%;height:auto;border-radius:6px}h1{font-size:1.6em;line-height:1.4}',
    { raw: true }
  );
}());

// A phone (a worker uploading photos over the office Wi-Fi): Decap lays
// the form and the preview side by side at 800 px at least, so the form
// ran off the screen. Below 800 px the form takes the whole width and the
// preview is left out; the saved page is the preview.
(function () {
  var style = document.createElement('style');
  style.textContent =
    '@media (max-width: 799px) {' +
    '[class*="-EditorContainer"], [class*="-ToolbarContainer"] { min-width: 0 !important; }' +
    '.SplitPane .Pane1 { width: 100% !important; }' +
    '.SplitPane .Pane2, .SplitPane .Resizer, [class*="-EditorToggle"] { display: none !important; }' +
    '[class*="-BackCollection"], [class*="-AppHeaderSiteLink"] { display: none !important; }' +
    '[class*="-ToolbarSectionBackLink"] { min-width: 0 !important; flex: 0 1 auto !important; padding: 0 12px !important; }' +
    '}';
  document.head.appendChild(style);
}());
