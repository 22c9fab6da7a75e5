// The chat page at "/": the widget mounted full-page (one renderer for every customer). The token
// stays under "parley", where this page has always kept it, so conversations open before resume.
import { mount } from '../widget/widget.js';

mount({ mount: document.getElementById('chat'), title: 'Parley', storageKey: 'parley' }, new URL('/', location.href).href);
