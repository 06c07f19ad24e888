import { Layout, type PageContext } from "../layout";

/** The sign-in form. One page for every refusal (unknown account, wrong password, locked, disabled). */
export function LoginPage(props: { ctx: PageContext; next: string; email: string; problem?: string }) {
  return (
    <Layout ctx={props.ctx} title="Sign in">
      <h1>Sign in</h1>
      {props.problem ? (
        <p role="alert" class="problem">
          {props.problem}
        </p>
      ) : null}
      <form method="post" action="/login" class="login">
        <input type="hidden" name="next" value={props.next} />
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="username" required value={props.email} />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <button type="submit">Sign in</button>
      </form>
    </Layout>
  );
}
