// S8 in the browser: Dana sees what she owned and Pat's thanks on My day; Pat thanks a colleague from
// a case page; Dana's supervisor sees her scorecard and starts a coaching note from her strengths,
// while another supervisor does not; every employee sees the team scorecards on the leadership page.
import { apiAs, hasRoute, newPage, signIn, settled, axe, shot, clean, check, eq, skipUnless, test } from './lib.mjs';

const V = 'vendor-co';

test('S8: owning it gets seen', async (srv) => {
  skipUnless(await hasRoute(srv, 'GET', '/api/v1/recognition'), 'recognition API not on this server');
  const page = await newPage();
  await signIn(page, srv, V, 'dana@vendor-co.example');
  await settled(page);
  const owned = page.getByRole('region', { name: 'What you owned this month' });
  const text = await owned.textContent();
  check(text.includes('Rescued a promise that was at risk'), 'Dana sees her rescue on My day: ' + text);
  check(text.includes('holding the phones') && text.includes('from Pat Morgan'), "and Pat's thanks");
  await owned.getByRole('link', { name: 'Your scorecard' }).click();
  await page.getByRole('heading', { name: 'What you owned' }).waitFor();
  await settled(page);
  const card = await page.getByRole('table', { name: 'Scorecard, last 30 days' }).textContent();
  check(card.includes('Thanks received') && card.includes('Breaches attributed'), 'her scorecard lists the measures: ' + card);
  check((await page.locator('main').textContent()).includes('Handle time'), 'and says what it does not count');
  check(await page.getByRole('form', { name: /Coaching note/ }).count() === 0, 'nobody coaches themselves');
  await axe(page, 'recognition page');
  await shot(page, 'recognition');
  clean(page, 'dana');
  await page.context().close();

  const dana = await apiAs(srv, V, 'dana@vendor-co.example');
  const path = '/recognition?person=' + encodeURIComponent(dana.person.id);
  const sandy = await newPage();
  await signIn(sandy, srv, V, 'sandy@vendor-co.example');
  await sandy.goto(srv.url + path);
  await sandy.getByRole('heading', { name: 'What Dana Fox owned' }).waitFor();
  await settled(sandy);
  const coach = sandy.getByRole('form', { name: 'Coaching note for Dana Fox' });
  check((await coach.textContent()).includes('Rescued a promise'), 'the coaching form starts from her strengths');
  await coach.getByLabel('What can I or others do to help you?').fill('Cover the till at 16:00 on Saturdays');
  await coach.getByRole('button', { name: 'Save coaching note' }).click();
  await coach.getByText('Coaching note saved').waitFor();
  const notes = await (await apiAs(srv, V, 'sandy@vendor-co.example')).get('/api/v1/coaching-notes?employee=dana@vendor-co.example');
  check(notes.items.some((n) => n.questions.some((q) => q.answer === 'Cover the till at 16:00 on Saturdays')), 'the note is saved');
  await sandy.context().close();

  const taylor = await newPage();
  await signIn(taylor, srv, V, 'taylor@vendor-co.example');
  await taylor.goto(srv.url + path);
  await taylor.getByRole('heading', { name: 'Recognition' }).waitFor();
  check((await taylor.locator('main').textContent()).includes('Only this person and the managers above them'), "another supervisor does not see Dana's scorecard");
  await taylor.goto(srv.url + '/leadership');
  await settled(taylor);
  const teams = await taylor.getByRole('table', { name: 'Team scorecards' }).textContent();
  check(teams.includes('Store 12') && teams.includes('Follow-ups before overdue'), 'team scorecards are open to all: ' + teams);
  await taylor.context().close();
});

test('S8: Pat thanks a colleague from the case page', async (srv) => {
  skipUnless(await hasRoute(srv, 'POST', '/api/v1/cases/{id}/thanks'), 'thanks API not on this server');
  const pat = await apiAs(srv, V, 'pat@vendor-co.example');
  const cs = await pat.post('/api/v1/cases', { subject: 'Phone case swap', channel: 'phone', customer_name: 'Lena Ortiz' });
  const page = await newPage();
  await signIn(page, srv, V, 'pat@vendor-co.example');
  await page.goto(srv.url + '/cases/' + cs.id);
  await settled(page);
  await page.getByText('Thank a colleague').click();
  const form = page.getByRole('form', { name: 'Thank a colleague' });
  await form.getByLabel('Colleague').selectOption({ label: 'Kim Lopez · Web Chat' });
  await form.getByLabel('What for').fill('for covering my chats');
  await form.getByRole('button', { name: 'Send thanks' }).click();
  await form.getByText('Thanks sent to Kim Lopez.').waitFor();
  const kim = await apiAs(srv, V, 'kim@vendor-co.example');
  eq((await kim.get('/api/v1/thanks')).items[0].text, 'for covering my chats', 'Kim has the thanks');
  check(await form.getByRole('option', { name: /Pat Morgan/ }).count() === 0, 'nobody can pick themselves');
  await page.context().close();
});
