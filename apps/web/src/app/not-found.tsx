import Link from 'next/link';

export default function NotFound() {
  return (
    <section className="panel">
      <h1>Not found</h1>
      <p>
        No such backend or page. <Link href="/">Back to the overview</Link>
      </p>
    </section>
  );
}
