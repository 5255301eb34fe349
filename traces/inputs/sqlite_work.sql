-- sqlite_work.sql: the database workload of the bundled trace suite.
-- Builds two tables, indexes them, and runs joins, grouping, sorting
-- and updates on an on-disk database.
PRAGMA journal_mode = MEMORY;
CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT, city TEXT);
CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER, amount REAL, note TEXT);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000)
INSERT INTO customer SELECT x, printf('customer %05d', x), printf('city-%02d', x % 37) FROM c;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 40000)
INSERT INTO orders SELECT x, (x * 7919) % 5000 + 1, (x * 104729 % 100000) / 100.0,
       substr('lorem ipsum dolor sit amet consectetur adipiscing elit', 1 + x % 20, 10 + x % 30)
FROM c;
CREATE INDEX orders_customer ON orders(customer);
CREATE INDEX customer_city ON customer(city);
SELECT city, count(*), round(sum(amount), 2) FROM customer JOIN orders ON orders.customer = customer.id
GROUP BY city ORDER BY 3 DESC LIMIT 5;
UPDATE orders SET note = upper(note) || '!' WHERE amount > 500;
SELECT name, group_concat(note, '|') FROM customer JOIN orders ON orders.customer = customer.id
WHERE customer.id % 50 = 0 GROUP BY name ORDER BY name LIMIT 3;
DELETE FROM orders WHERE id % 3 = 0;
VACUUM;
SELECT count(*), round(avg(amount), 3) FROM orders;
