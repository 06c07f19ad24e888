import { Layout, type PageContext, SearchBox } from "../layout";

export function ErrorPage(props: { ctx: PageContext; status: number; title: string; message: string }) {
  return (
    <Layout ctx={props.ctx} title={props.title}>
      <h1>{props.title}</h1>
      <p>{props.message}</p>
      {props.status === 503 ? (
        <p>The archive is not available right now. Try again in a minute.</p>
      ) : (
        <SearchBox list={props.ctx.list} id="q404" />
      )}
      <p>
        <a href="/">All lists</a>
      </p>
    </Layout>
  );
}
