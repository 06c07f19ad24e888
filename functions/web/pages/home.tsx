import type { ListStats } from "../../../db/queries/lists";
import { When } from "../components";
import { Layout, type PageContext, SearchBox } from "../layout";
import { listUrl } from "../urls";

export interface HomeList {
  id: number;
  slug: string;
  name: string;
  description: string | null;
}

export function HomePage(props: { ctx: PageContext; lists: HomeList[]; stats: Map<number, ListStats> }) {
  return (
    <Layout ctx={props.ctx} title="Mailing lists">
      <h1>Mailing lists</h1>
      <SearchBox list={null} />
      {props.lists.length === 0 ? (
        <p>No list is archived yet.</p>
      ) : (
        <div class="wrap">
          <table>
            <caption class="dim">Every list archived here, with its messages and last activity</caption>
            <thead>
              <tr>
                <th scope="col">List</th>
                <th scope="col" class="n">
                  Messages
                </th>
                <th scope="col" class="n">
                  Threads
                </th>
                <th scope="col">Last message</th>
              </tr>
            </thead>
            <tbody>
              {props.lists.map((l) => {
                const s = props.stats.get(l.id);
                return (
                  <tr>
                    <td>
                      <a href={listUrl(l.slug)}>{l.slug}</a>
                      {l.name && l.name !== l.slug ? <div class="meta">{l.name}</div> : null}
                    </td>
                    <td class="n">{s?.emailCount ?? 0}</td>
                    <td class="n">{s?.threadCount ?? 0}</td>
                    <td>
                      <When date={s?.lastEmailDate ?? null} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
