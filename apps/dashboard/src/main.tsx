import { render } from 'preact';
import { App } from './app.js';
import './styles.css';
import './styles-pipeline.css';

render(<App />, document.getElementById('app')!);
