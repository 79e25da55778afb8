-- After nieuw_stelsel: 96% of the costs that count, per eligible household (independent of the compiler).
WITH h AS (
  SELECT row_number() OVER () AS hh, * FROM read_parquet(getvariable('f'))
), k AS (
  SELECT hh, grond_aanvrager, grond_partner, gehuwd_of_geregistreerd OR samenwonend_met_gezamenlijk_kind AS partner,
         unnest(kind) AS kd, generate_subscripts(kind, 1) AS kpos
  FROM h
), c AS (
  SELECT hh, kpos, grond_aanvrager, grond_partner, partner, unnest(kd.contract) AS ct,
         generate_subscripts(kd.contract, 1) AS cpos
  FROM k
), c2 AS (
  SELECT *, CASE WHEN ct.geregistreerd_in_lrk THEN ct.uren ELSE 0 END AS opv,
         least(ct.uurprijs, CASE ct.soort WHEN 'dagopvang' THEN 11.23 WHEN 'bso' THEN 9.98 ELSE 8.49 END) AS prijs
  FROM c
), c3 AS (
  SELECT *, row_number() OVER (PARTITION BY hh, kpos ORDER BY prijs DESC, cpos) AS rk,
         sum(opv) OVER (PARTITION BY hh, kpos) AS uren_kind
  FROM c2
)
SELECT count(DISTINCT hh) AS households_with_contracts,
       sum(0.96 * prijs * CASE WHEN rk = 1 THEN least(opv, 230)
                               ELSE least(opv, greatest(230 - (uren_kind - opv), 0)) END) AS total_after
FROM c3
WHERE grond_aanvrager <> 'geen' AND NOT (partner AND grond_partner = 'geen');
