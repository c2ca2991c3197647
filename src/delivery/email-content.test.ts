import { describe, expect, test } from 'vitest';
import { escapeHtml, renderEmail, subjectLine } from './email-content.ts';

const base = { subject: 'Hello', heading: 'Heading', paragraphs: ['One.', 'Two.'] };

describe('renderEmail', () => {
  test.each([
    ['Hello', 'Tenantscope: Hello'],
    ['Tenantscope password reset', 'Tenantscope password reset'],
    ['line one\r\nBcc: victim@example.com', 'Tenantscope: line one Bcc: victim@example.com'],
  ])('the subject %j becomes one line naming the product: %j', (subject, expected) => {
    expect(subjectLine({ subject })).toBe(expected);
  });

  test('text and HTML carry the same paragraphs, details, action link and note', () => {
    const out = renderEmail(
      { ...base, details: [['Role', 'admin']], actionLabel: 'Accept', note: 'Expires soon.' },
      'https://ts.example/invite/abc',
    );
    for (const part of [out.text, out.html])
      for (const piece of [
        'One.',
        'Two.',
        'Role',
        'admin',
        'Accept',
        'Expires soon.',
        'https://ts.example/invite/abc',
      ])
        expect(part).toContain(piece);
    expect(out.html).toContain('<a href="https://ts.example/invite/abc"');
  });

  test('every value is escaped in the HTML part', () => {
    const out = renderEmail({
      ...base,
      heading: '<script>alert(1)</script>',
      paragraphs: ['Tom & "Jerry" <b>'],
      details: [['<i>k</i>', "it's"]],
    });
    expect(out.html).not.toContain('<script>');
    expect(out.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out.html).toContain('Tom &amp; &quot;Jerry&quot; &lt;b&gt;');
    expect(out.html).toContain('&lt;i&gt;k&lt;/i&gt;');
    expect(out.html).toContain('it&#39;s');
  });

  test('a link with quotes cannot break out of its attribute', () => {
    const out = renderEmail({ ...base, actionLabel: 'Go' }, 'https://x.example/"onmouseover="alert(1)');
    expect(out.html).toContain('href="https://x.example/&quot;onmouseover=&quot;alert(1)"');
  });

  test('the HTML loads nothing remote: no image, stylesheet, script or other URL than the action', () => {
    const out = renderEmail({ ...base, actionLabel: 'Open' }, 'https://ts.example/x');
    expect(out.html).not.toMatch(/<img|<link|<script|url\(|@import|src=/i);
    expect(out.html.match(/https?:\/\/[^"<\s]+/g)).toEqual(['https://ts.example/x', 'https://ts.example/x']);
  });

  test('an email that has an action cannot be written without its link', () => {
    expect(() => renderEmail({ ...base, actionLabel: 'Accept' })).toThrow(/action link/);
  });

  test.each([
    ['&', '&amp;'],
    ['<>', '&lt;&gt;'],
    ['"\'', '&quot;&#39;'],
    ['plain', 'plain'],
  ])('escapeHtml(%j) = %j', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});
